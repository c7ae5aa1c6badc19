using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 11, item 3 (core): a hosted application's redirect-based sign-in. It starts in one request, which fails with
/// the authorization URL, and completes in the callback, perhaps on another instance; only the user who started it can
/// complete it, once, before it expires.</summary>
public sealed class HostedSignInTests : ServerPairTest
{
    private static readonly Uri Callback = new("http://127.0.0.1:5999/oauth/callback");

    [Fact]
    public async Task SendAsync_UserMustSignIn_FailsWithTheAuthorizationUrlAndOpensNoBrowser()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var app = CreateApp(new InMemoryPendingAuthorizationStore());

        McpOAuthSignInRequiredException ex = await SignInRequiredAsync(app, mcpServer, "alice");

        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.SignInRequired);
            ex.AuthorizationUri.GetLeftPart(UriPartial.Path).Should().Be(authorizationServer.AuthorizationEndpoint.AbsoluteUri);
            ex.AuthorizationUri.Query.Should().Contain("redirect_uri=" + Uri.EscapeDataString(Callback.AbsoluteUri));
            ex.Message.Should().NotContain("state=").And.NotContain("code_challenge");
            app.Browser.LaunchCount.Should().Be(0, "a server never opens a browser");
            authorizationServer.RegistrationRequests.Should().ContainSingle().Which.Body.Should().Contain(Callback.AbsoluteUri);
        }
    }

    [Fact]
    public async Task CompleteSignInAsync_OnAnotherInstance_TheUserThenCallsTheServerFromBoth()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var pending = new InMemoryPendingAuthorizationStore();
        var tokens = new InMemoryTokenStore();
        using var instanceA = CreateApp(pending, tokens, returnUrl: "/tools");
        using var instanceB = CreateApp(pending, tokens);
        McpOAuthSignInRequiredException started = await SignInRequiredAsync(instanceA, mcpServer, "alice");
        Uri redirected = await FollowAsync(started.AuthorizationUri);

        McpOAuthSignInResult result;
        using (McpOAuthPartition.Enter("alice"))
        {
            result = await instanceB.Provider.CompleteSignInAsync(redirected);
        }

        using (new AssertionScope())
        {
            result.ReturnUrl.Should().Be("/tools");
            result.Login.Key.Partition.Should().Be("alice");
            (await CallAsAsync(instanceB, mcpServer, "alice")).Should().HaveStatusCode(HttpStatusCode.OK);
            (await CallAsAsync(instanceA, mcpServer, "alice")).Should().HaveStatusCode(HttpStatusCode.OK, "instance A picks up the stored login on its 401");
            authorizationServer.TokenRequests.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task CompleteSignInAsync_AnotherUsersCallbackOrAReplay_Refused()
    {
        // Login CSRF / session swap, and replay: the pending sign-in is bound to its user and used once.
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var app = CreateApp(new InMemoryPendingAuthorizationStore());
        Uri aliceCallback = await FollowAsync((await SignInRequiredAsync(app, mcpServer, "alice")).AuthorizationUri);
        Uri secondCallback = await FollowAsync((await SignInRequiredAsync(app, mcpServer, "alice")).AuthorizationUri);

        Func<Task> asBob = () => CompleteAsAsync(app, "bob", aliceCallback);
        Func<Task> replay = () => CompleteAsAsync(app, "alice", aliceCallback);
        await CompleteAsAsync(app, "alice", secondCallback);
        Func<Task> replaySecond = () => CompleteAsAsync(app, "alice", secondCallback);

        using (new AssertionScope())
        {
            (await asBob.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.StateMismatch);
            (await replay.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.StateMismatch);
            (await replaySecond.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.StateMismatch);
            authorizationServer.TokenRequests.Should().ContainSingle("no code from a refused callback is exchanged");
            (await app.Provider.ListLoginsAsync()).Should().BeEmpty("bob's partition got nothing");
        }
    }

    [Fact]
    public async Task CompleteSignInAsync_AfterThePendingLifetime_RefusedAsExpired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (authorizationServer, mcpServer) = await StartServersAsync(time);
        using var app = CreateApp(new InMemoryPendingAuthorizationStore(time), time: time);
        Uri callback = await FollowAsync((await SignInRequiredAsync(app, mcpServer, "alice")).AuthorizationUri);
        time.Advance(TimeSpan.FromMinutes(11));

        Func<Task> act = () => CompleteAsAsync(app, "alice", callback);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.StateMismatch);
        authorizationServer.TokenRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteSignInAsync_ResponseFromAnotherIssuer_Refused()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.IssInRedirect = IssRedirectMode.Custom;
            o.IssInRedirectValue = "https://evil.example.com";
        });
        using var app = CreateApp(new InMemoryPendingAuthorizationStore());
        Uri callback = await FollowAsync((await SignInRequiredAsync(app, mcpServer, "alice")).AuthorizationUri);

        Func<Task> act = () => CompleteAsAsync(app, "alice", callback);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
        authorizationServer.TokenRequests.Should().BeEmpty();
    }

    [Fact]
    public void PendingAuthorization_SerializedAndPrinted_RoundTripsAndPrintsNoSecret()
    {
        var pending = new PendingAuthorization
        {
            Partition = "alice",
            Issuer = "https://auth.example.com",
            Resource = "https://mcp.example.com/mcp",
            ResourceUri = new Uri("https://mcp.example.com/mcp"),
            RedirectUri = Callback,
            CodeVerifier = "VERIFIER-SECRET-1",
            Client = Clients.DynamicWithSecret("c", "DYN-SECRET-1"),
            Scopes = ["mcp:read"],
            ExpiresAt = DateTimeOffset.UnixEpoch.AddDays(1),
        };

        PendingAuthorizationSerializer.TryDeserialize(PendingAuthorizationSerializer.Serialize(pending), out PendingAuthorization? read).Should().BeTrue();
        read.Should().BeEquivalentTo(pending);
        pending.ToString().Should().NotContain("VERIFIER-SECRET-1").And.NotContain("DYN-SECRET-1");
    }

    [Fact]
    public void PendingAuthorization_WrittenBeforeTheSecretWasHiddenFromJson_StillReadsWithTheDynamicClientsSecret()
    {
        // LOG-04: ClientRegistration's secret is left out of its own JSON, but a pending sign-in's client keeps it, in the names
        // the default contract wrote before, so a sign-in begun by the previous version completes after an upgrade.
        byte[] earlier = System.Text.Encoding.UTF8.GetBytes("""
            {"partition":"alice","issuer":"https://auth.example.com","resource":"https://mcp.example.com/mcp",
             "resource_uri":"https://mcp.example.com/mcp","redirect_uri":"https://app.example.com/callback","code_verifier":"V",
             "client":{"clientId":"c","clientSecret":"DYN-SECRET-2","tokenEndpointAuthMethod":"client_secret_basic",
                       "issuer":"https://auth.example.com","redirectUris":["https://app.example.com/callback"],"kind":2},
             "scopes":["mcp:read"],"iss_required":false,"expires_at":"1970-01-02T00:00:00+00:00"}
            """);

        PendingAuthorizationSerializer.TryDeserialize(earlier, out PendingAuthorization? read).Should().BeTrue();

        read!.Client.Should().BeEquivalentTo(Clients.DynamicWithSecret("c", "DYN-SECRET-2") with { RedirectUris = ["https://app.example.com/callback"] });
    }

    private static McpClientHarness CreateApp(IPendingAuthorizationStore pending, ITokenStore? tokens = null, string? returnUrl = null, TimeProvider? time = null) =>
        McpClientHarness.Create(
            o =>
            {
                o.Hosted.RedirectUri = Callback;
                o.Hosted.ReturnUrl = () => returnUrl;
            },
            timeProvider: time,
            tokenStore: tokens,
            pendingStore: pending);

    private static async Task<McpOAuthSignInRequiredException> SignInRequiredAsync(McpClientHarness app, TestMcpServer mcpServer, string user)
    {
        using (McpOAuthPartition.Enter(user))
        {
            Func<Task> act = () => app.CallAsync(mcpServer.McpUri, "tools/list");
            return (await act.Should().ThrowAsync<McpOAuthSignInRequiredException>()).Which;
        }
    }

    private static async Task<HttpResponseMessage> CallAsAsync(McpClientHarness app, TestMcpServer mcpServer, string user)
    {
        using (McpOAuthPartition.Enter(user))
        {
            return await app.CallAsync(mcpServer.McpUri, "tools/list");
        }
    }

    private static async Task CompleteAsAsync(McpClientHarness app, string user, Uri callback)
    {
        using (McpOAuthPartition.Enter(user))
        {
            await app.Provider.CompleteSignInAsync(callback);
        }
    }

    /// <summary>The user's browser at the authorization server: approves, and stops at the redirect to the application.</summary>
    private static async Task<Uri> FollowAsync(Uri authorizationUri)
    {
        using var browser = new ScriptedBrowser(ScriptedBrowserMode.CaptureOnly);
        return await browser.AuthorizeAsync(authorizationUri);
    }
}
