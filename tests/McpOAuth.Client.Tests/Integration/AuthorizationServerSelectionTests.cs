using System.Net;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>AUTH-08 (issue 12 item 1): a resource that lists several authorization servers. An entry that cannot be used gives
/// way to the next; the <see cref="McpOAuthOptions.SelectAuthorizationServer"/> hook's choice is used alone.</summary>
public sealed class AuthorizationServerSelectionTests
{
    public static TheoryData<string, Action<TestAuthorizationServerOptions>> UnusableFirstServers => new()
    {
        { "no metadata", o => o.MetadataPaths = AuthorizationServerMetadataPaths.None },
        { "another issuer in its metadata", o => o.IssuerOverride = "https://attacker.example" },
        { "no code response type", o => o.MutateMetadata = m => m["response_types_supported"] = new JsonArray("token") },
        { "no PKCE S256", o => o.CodeChallengeMethodsSupported = ["plain"] },
        { "no authorization code grant", o => o.GrantTypesSupported = ["client_credentials"] },
    };

    [Theory]
    [MemberData(nameof(UnusableFirstServers))]
    public async Task SendAsync_FirstListedServerCannotBeUsed_SignsInAtTheNextAndNeverAtTheFirst(string why, Action<TestAuthorizationServerOptions> breakIt)
    {
        await using var unusable = await TestAuthorizationServer.StartAsync(breakIt);
        await using var usable = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(usable, o => o.AuthorizationServers = [unusable.Issuer, usable.Issuer]);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, why);
        using (new AssertionScope())
        {
            usable.AuthorizeRequestCount.Should().Be(1);
            unusable.AuthorizeRequestCount.Should().Be(0);
            unusable.RegistrationCount.Should().Be(0);
            unusable.TokenRequests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_FirstListedServerUnreachable_SignsInAtTheNext()
    {
        await using var usable = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(usable, o => o.AuthorizationServers = ["http://127.0.0.1:1", usable.Issuer]);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SendAsync_NoListedServerCanBeUsed_TheFirstOnesReasonIsReported()
    {
        await using var first = await TestAuthorizationServer.StartAsync(o => o.CodeChallengeMethodsSupported = null);
        await using var second = await TestAuthorizationServer.StartAsync(o => o.MetadataPaths = AuthorizationServerMetadataPaths.None);
        await using var mcpServer = await TestMcpServer.StartAsync(first, o => o.AuthorizationServers = [first.Issuer, second.Issuer]);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task SendAsync_ConfiguredClientBoundToTheSecondServer_UsesItAndSendsNothingToTheFirst()
    {
        // T10: a client bound to an issuer skips the others instead of failing on the first entry.
        await using var other = await TestAuthorizationServer.StartAsync();
        await using var bound = await TestAuthorizationServer.StartAsync(o => o.OnlyPreRegistered("app", "app-secret", "client_secret_basic"));
        await using var mcpServer = await TestMcpServer.StartAsync(bound, o => o.AuthorizationServers = [other.Issuer, bound.Issuer]);
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = "app";
            o.Client.ClientSecret = "app-secret";
            o.Client.Issuer = bound.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        other.Requests.Should().NotContain(r => r.Authorization != null || r.FormValue("client_secret") != null || r.Path.EndsWith("/authorize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_SelectorHook_GetsTheListInOrderAndItsChoiceIsUsed()
    {
        // AUTH-08: the application chooses; the first entry is never contacted
        await using var first = await TestAuthorizationServer.StartAsync();
        await using var second = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(second, o => o.AuthorizationServers = [first.Issuer, second.Issuer]);
        IReadOnlyList<string>? offered = null;
        using var client = McpClientHarness.Create(o => o.SelectAuthorizationServer = servers =>
        {
            offered = servers;
            return servers[1];
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            offered.Should().Equal(first.Issuer, second.Issuer);
            first.Requests.Should().BeEmpty();
            second.AuthorizeRequestCount.Should().Be(1);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://unlisted.example")]
    public async Task SendAsync_SelectorHookChoosesNothingListed_DiscoveryFailedBeforeAnyServer(string? choice)
    {
        await using var listed = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(listed);
        using var client = McpClientHarness.Create(o => o.SelectAuthorizationServer = _ => choice);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
        listed.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task SendAsync_SelectorHookChoosesAnUnusableServer_ItsReasonWithoutFallingThrough()
    {
        // The application's choice is final: no silent switch to a server it did not pick.
        await using var chosen = await TestAuthorizationServer.StartAsync(o => o.CodeChallengeMethodsSupported = null);
        await using var other = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(other, o => o.AuthorizationServers = [chosen.Issuer, other.Issuer]);
        using var client = McpClientHarness.Create(o => o.SelectAuthorizationServer = servers => servers[0]);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        other.Requests.Should().BeEmpty();
    }
}
