using System.Net;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 12 item 1: the defaults the MCP TypeScript SDK's client has, seen on the wire of a real loopback server.</summary>
public sealed class ReferenceClientDefaultsTests : ServerPairTest
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    // OIDC Core §11, RFC 7591 §2: a dynamic client asks for offline_access with prompt=consent, and registers its scopes.
    [Fact]
    public async Task SendAsync_DynamicClientOfflineAccessListed_PromptConsentAndScopeInTheRegistration()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.ScopesSupported = ["mcp:read", "mcp:write", "offline_access"], o =>
        {
            o.ScopesSupported = ["mcp:read", "mcp:write"];
            o.ChallengeScope = "mcp:read";
        });
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest authorize = authorizationServer.AuthorizeRequests.Single();
        using (new AssertionScope())
        {
            authorize.QueryValue("scope").Should().Be("mcp:read offline_access");
            authorize.QueryValue("prompt").Should().Be("consent");
            ((JsonObject)authorizationServer.RegistrationRequests.Single().BodyAsJson()!)["scope"]!.GetValue<string>()
                .Should().Be("mcp:read mcp:write offline_access", "what a step-up may ask for later is registered too");
        }
    }

    // The MCP TypeScript SDK's rule: offline_access only for a client whose grant types include refresh_token.
    [Fact]
    public async Task SendAsync_PreregisteredClientOfflineAccessListed_NeitherOfflineAccessNorPrompt()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.ScopesSupported = ["mcp:read", "offline_access"];
            o.RegistrationEnabled = false;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = "app", GrantTypes = ["authorization_code"] });
        }, o => o.ChallengeScope = "mcp:read");
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = "app";
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        authorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("mcp:read");
        authorizationServer.AuthorizeRequests.Single().Query.Should().NotContainKey("prompt");
    }

    // McpOAuthOptions.Scopes: always requested, added to the challenge's scopes.
    [Fact]
    public async Task SendAsync_ConfiguredScopesAndAChallengeScope_BothRequested()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.ChallengeScope = "files:read");
        using var client = McpClientHarness.Create(o => o.Scopes.Add("mcp:admin"));

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        authorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("files:read mcp:admin");
    }

    // RFC 6749 §6: refresh without scope, so a server that did not echo offline_access and lists granted scopes with commas
    // keeps refreshing, and the granted scopes are kept as scopes. SendScopeOnRefresh repeats them, space-separated.
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "mcp:read mcp:write")]
    public async Task SendAsync_GrantEchoesNoOfflineAccessAndUsesCommas_RefreshesTwice(bool sendScopeOnRefresh, string? refreshScope)
    {
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = Lifetime;
            o.ScopesSupported = ["mcp:read", "mcp:write", "offline_access"];
            o.GrantScope = _ => "mcp:read mcp:write";
            o.MutateTokenResponse = body => body["scope"] = body["scope"]?.GetValue<string>().Replace(' ', ',');
        }, o => o.ChallengeScope = "mcp:read mcp:write");
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(o => o.SendScopeOnRefresh = sendScopeOnRefresh, time, tokenStore: store);
        (await client.CallAsync(mcpServer.McpUri, "tools/list")).Dispose();

        for (int id = 2; id <= 3; id++)
        {
            time.Advance(Lifetime + TimeSpan.FromSeconds(1));
            using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", id);
            response.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        RecordedRequest[] refreshes = [.. authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token")];
        using (new AssertionScope())
        {
            refreshes.Select(r => r.StatusCode).Should().Equal(200, 200);
            refreshes.Should().OnlyContain(r => r.FormValue("scope") == refreshScope && r.FormValue("resource") == mcpServer.Resource);
            (await store.ListAsync()).Single().Scopes.Should().Equal("mcp:read", "mcp:write");
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    // REF-10: the server restarted and forgot its clients. mcp-oauth login (SignInAsync, a new process with the stored login)
    // finds out before the browser opens, registers again and signs in once.
    [Fact]
    public async Task SignInAsync_ServerForgotTheStoredDynamicClient_RegistersAgainBeforeTheBrowser()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var store = new InMemoryTokenStore();
        string forgotten = await SignInOnceAsync(mcpServer, store);
        ForgetEverything(authorizationServer);
        using var nextRun = McpClientHarness.Create(tokenStore: store);

        TokenSet tokens = await nextRun.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            tokens.ClientId.Should().NotBe(forgotten);
            nextRun.Browser.LaunchCount.Should().Be(1, "the user saw one browser, with a client the server knows");
            authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("client_id")).Should().Equal(forgotten, tokens.ClientId);
            authorizationServer.RegistrationCount.Should().Be(2);
            authorizationServer.TokenRequests.Should().Contain(r => r.FormValue("client_id") == forgotten && r.StatusCode >= 400,
                "the probe asked about the old client at the token endpoint");
            (await store.ListAsync()).Should().ContainSingle().Which.ClientId.Should().Be(tokens.ClientId);
        }
    }

    // Issue 12 item 1: a failed login no longer keeps the dead registration; status and token no longer show it as valid.
    [Fact]
    public async Task SignInAsync_ServerForgotTheClientAndTheNewSignInFails_NoDeadLoginLeft()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var store = new InMemoryTokenStore();
        await SignInOnceAsync(mcpServer, store);
        ForgetEverything(authorizationServer);
        authorizationServer.Options.AuthorizeError = "access_denied";
        using var nextRun = McpClientHarness.Create(tokenStore: store);

        Func<Task> act = () => nextRun.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
        using var laterRun = McpClientHarness.Create(o => o.AllowInteractive = false, tokenStore: store);
        (await laterRun.Provider.ListLoginsAsync()).Should().BeEmpty("mcp-oauth status must not show the dead login");
        (await laterRun.Provider.GetAccessTokenAsync(mcpServer.McpUri)).Should().BeNull("mcp-oauth token must not print the dead token");
    }

    private static async Task<string> SignInOnceAsync(TestMcpServer mcpServer, ITokenStore store)
    {
        using var firstRun = McpClientHarness.Create(tokenStore: store);
        TokenSet tokens = await firstRun.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        return tokens.ClientId;
    }

    /// <summary>A server with in-memory tables restarted: no client, no token survives.</summary>
    private static void ForgetEverything(TestAuthorizationServer authorizationServer)
    {
        foreach (TestClientRegistration client in authorizationServer.Clients)
        {
            authorizationServer.RemoveClient(client.ClientId);
        }

        authorizationServer.RevokeAllTokens();
    }
}
