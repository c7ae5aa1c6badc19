using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>A second provider over the same token store: the next run of the application.</summary>
public sealed class TokenPersistenceTests
{
    // AUTH-45, STORE-10: a stored, usable token is used by the next run with no sign-in and no AS call.
    [Fact]
    public async Task SendAsync_NextRunWithStoredToken_UsesItWithoutSignIn()
    {
        var store = new InMemoryTokenStore();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using (var firstRun = McpClientHarness.Create(tokenStore: store))
        using (HttpResponseMessage signIn = await firstRun.CallAsync(mcpServer.McpUri, "initialize"))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        int authorizationServerRequests = authorizationServer.Requests.Count;
        using var secondRun = McpClientHarness.Create(tokenStore: store);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            secondRun.Browser.LaunchCount.Should().Be(0);
            authorizationServer.Requests.Should().HaveCount(authorizationServerRequests);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 200");
        }
    }

    // AUTH-42, AUTH-45: the next run finds the stored access token expired and refreshes it with the stored refresh
    // token, without a browser (persisting refresh tokens is what a durable store is for).
    [Fact]
    public async Task SendAsync_NextRunWithExpiredStoredToken_RefreshesWithoutBrowser()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenStore();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
        });
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.TimeProvider = time);
        using (var firstRun = McpClientHarness.Create(timeProvider: time, tokenStore: store))
        using (HttpResponseMessage signIn = await firstRun.CallAsync(mcpServer.McpUri, "initialize"))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        using var secondRun = McpClientHarness.Create(timeProvider: time, tokenStore: store);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            secondRun.Browser.LaunchCount.Should().Be(0);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
        }
    }

    // AUTH-42, AUTH-45, REG-06: as above through the FileTokenStore, with a confidential dynamically registered client, so
    // the next run needs the stored client secret to refresh (and must not re-register or open a browser).
    [Fact]
    public async Task SendAsync_NextRunWithFileStoreAndConfidentialClient_RefreshesWithoutBrowser()
    {
        var time = new FakeTimeProvider();
        string directory = Path.Combine(Path.GetTempPath(), "mcpoauth-integration-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
            {
                o.TimeProvider = time;
                o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
                o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            });
            await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.TimeProvider = time);
            using (var firstRun = McpClientHarness.Create(timeProvider: time, tokenStore: new FileTokenStore(directory)))
            using (HttpResponseMessage signIn = await firstRun.CallAsync(mcpServer.McpUri, "initialize"))
            {
                signIn.Should().HaveStatusCode(HttpStatusCode.OK);
            }

            time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
            using var secondRun = McpClientHarness.Create(timeProvider: time, tokenStore: new FileTokenStore(directory));

            using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

            response.Should().HaveStatusCode(HttpStatusCode.OK);
            using (new AssertionScope())
            {
                secondRun.Browser.LaunchCount.Should().Be(0);
                authorizationServer.RegistrationCount.Should().Be(1);
                McpClientHarness.Describe(authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token"))
                    .Should().Equal("POST /token 200");
                authorizationServer.TokenRequests[^1].Authorization.Should().StartWith("Basic ");
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
