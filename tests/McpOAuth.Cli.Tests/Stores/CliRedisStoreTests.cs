using FluentAssertions.Execution;
using McpOAuth.Client.Tests.Redis;

namespace McpOAuth.Cli.Tests.Stores;

/// <summary>Issue 11 item 4: <c>--store redis://HOST:PORT[/DB]</c> (or <c>$MCP_OAUTH_STORE</c>) on login, token, status and logout,
/// so two machines share one login, against a real <c>redis-server</c> (tests/redis/install.sh) and the loopback servers.
/// "Machine" A and B are runs with different <c>--store-dir</c>s: nothing but Redis connects them.</summary>
public sealed class CliRedisStoreTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    private string Store => $"redis://127.0.0.1:{_redis.Port}/3";

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task LoginOnOneMachine_TokenStatusAndLogoutOnAnother_ShareTheLoginThroughRedis()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync();
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome login = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("a")], browser);
        CliOutcome token = await CliHarness.RunAsync("token", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("b"));
        CliOutcome status = await CliHarness.RunAsync("status", "--store", Store, "--store-dir", temp.Combine("b"));
        CliOutcome logout = await CliHarness.RunAsync("logout", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("b"));
        CliOutcome after = await CliHarness.RunAsync("status", "--store", Store, "--store-dir", temp.Combine("a"));

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            token.ExitCode.Should().Be(0, token.ToString());
            token.StandardOutput.Should().Be(authorization.IssuedAccessTokens.Should().ContainSingle().Which.Token + Environment.NewLine);
            status.StandardOutput.Should().Contain(mcp.Resource).And.Contain("protection: Redis, not encrypted");
            logout.ExitCode.Should().Be(0, logout.ToString());
            after.StandardOutput.Should().Be($"No stored logins in redis://127.0.0.1:{_redis.Port}/3.{Environment.NewLine}");
            Directory.Exists(temp.Combine("a")).Should().BeFalse("the Redis store writes nothing under --store-dir");
        }
    }

    [Fact]
    public async Task Token_ExpiredOnBothMachines_EachRefreshesWithTheRefreshTokenTheOtherRotated()
    {
        // With rotation and reuse detection (RFC 9700 §4.14.2), a machine that kept its own copy of the refresh token would be
        // refused the second time, and the grant revoked: the rotated token must come back through Redis.
        await using var authorization = await TestAuthorizationServer.StartAsync(o => o.AccessTokenLifetime = TimeSpan.Zero);
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome login = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("a")], browser);
        CliOutcome onB = await CliHarness.RunAsync("token", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("b"));
        CliOutcome onA = await CliHarness.RunAsync("token", mcp.McpEndpoint, "--store", Store, "--store-dir", temp.Combine("a"));

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            onB.ExitCode.Should().Be(0, onB.ToString());
            onA.ExitCode.Should().Be(0, onA.ToString());
            authorization.TokenRequestCount("refresh_token").Should().Be(2);
            authorization.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token").Select(r => r.FormValue("refresh_token"))
                .Should().OnlyHaveUniqueItems("each refresh used the token the previous one rotated");
            onA.StandardOutput.Trim().Should().Be(authorization.IssuedAccessTokens[^1].Token);
        }
    }

    [Fact]
    public async Task Token_RedisUnreachable_TypedErrorNamesTheStoreAndNoPasswordIsPrinted()
    {
        using var temp = new TempDirectory();
        int closed = RedisServer.FreePort();
        Environment.SetEnvironmentVariable(CliStoreLocation.RedisPasswordVariable, "pw-never-printed");
        try
        {
            CliOutcome token = await CliHarness.RunAsync(
                "token", "http://127.0.0.1:9/mcp", "--store", $"redis://127.0.0.1:{closed}", "--store-dir", temp.Path);

            using (new AssertionScope())
            {
                token.ExitCode.Should().NotBe(0, token.ToString());
                token.StandardOutput.Should().BeEmpty();
                (token.StandardOutput + token.StandardError).Should().NotContain("pw-never-printed");
                token.StandardError.Should().MatchRegex("(?i)store|redis");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(CliStoreLocation.RedisPasswordVariable, null);
        }
    }
}
