using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Servers that lie or refuse: each case is rejected with a typed error and nothing is sent after it.</summary>
public sealed class HostileServerTests : ServerPairTest
{
    // AUTH-07, PRM-01, PRM-02: the PRM names another origin (the AS's port); its AS is never contacted and the root
    // well-known document is not tried instead.
    [Fact]
    public async Task SendAsync_PrmResourceNamesAnotherServer_ThrowsResourceMismatchBeforeAnyAuthorizationServerCall()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.PathAware | ProtectedResourceMetadataLocations.Root);
        mcpServer.Options.MutateMetadata = d => d["resource"] = authorizationServer.BaseUri.GetLeftPart(UriPartial.Authority) + "/mcp";
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ResourceMismatch);
        using (new AssertionScope())
        {
            authorizationServer.Requests.Should().BeEmpty();
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal("POST /mcp 401", "GET /.well-known/oauth-protected-resource/mcp 200");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    // Metadata the client cannot use, refused before registration and the browser, with none of its endpoints used:
    // AUTH-12, DISC-01: it claims another issuer; AUTH-12, DISC-02: an issuer that differs only by a trailing slash is still a
    // mismatch; AUTH-13, DISC-06: no code_challenge_methods_supported; AUTH-13, DISC-06, Q4: only "plain" is advertised.
    [Theory]
    [InlineData("another issuer", McpOAuthErrorCode.IssuerMismatch)]
    [InlineData("issuer with a trailing slash", McpOAuthErrorCode.IssuerMismatch)]
    [InlineData("no PKCE methods", McpOAuthErrorCode.PkceUnsupported)]
    [InlineData("only plain PKCE", McpOAuthErrorCode.PkceUnsupported)]
    public async Task SendAsync_MetadataNotUsable_ThrowsBeforeRegistrationAndBrowser(string defect, McpOAuthErrorCode expected)
    {
        ServerPair servers = await StartServersAsync();
        Action<TestAuthorizationServerOptions> spoil = defect switch
        {
            "another issuer" => o => o.IssuerOverride = "https://honest.example",
            "issuer with a trailing slash" => o => o.IssuerOverride = servers.AuthorizationServer.Issuer + "/",
            "no PKCE methods" => o => o.CodeChallengeMethodsSupported = null,
            "only plain PKCE" => o => o.CodeChallengeMethodsSupported = ["plain"],
            _ => throw new ArgumentOutOfRangeException(nameof(defect), defect, "no such defect"),
        };
        spoil(servers.AuthorizationServer.Options);

        await RefusedAfterMetadata.AssertAsync(servers, expected);
    }

    // AUTH-13 opt-out, AUTH-33: RequirePkceMetadata = false proceeds, and S256 is still used.
    [Fact]
    public async Task SendAsync_PkceMetadataNotRequired_CompletesWithS256()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.CodeChallengeMethodsSupported = null);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, o => o.RequirePkceMetadata = false);

        authorizationServer.AuthorizeRequests.Single().QueryValue("code_challenge_method").Should().Be("S256");
    }

    // AUTH-37, CB-08, CB-09, CB-10 (RFC 9207 §2.4 table): a bad iss ends the sign-in before any token request.
    [Theory]
    [InlineData(true, IssRedirectMode.Custom, "wrong")]
    [InlineData(true, IssRedirectMode.Custom, "trailing-slash")]
    [InlineData(true, IssRedirectMode.Omit, null)]
    [InlineData(false, IssRedirectMode.Custom, "wrong")]
    public async Task SendAsync_AuthorizationResponseIssInvalid_ThrowsIssuerParameterMismatchWithoutTokenRequest(
        bool advertised, IssRedirectMode mode, string? variant)
    {
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
        {
            o.IssParameterSupported = advertised;
            o.IssInRedirect = mode;
        });
        authorizationServer.Options.IssInRedirectValue = variant switch
        {
            "wrong" => "http://127.0.0.1:1/attacker",
            "trailing-slash" => authorizationServer.Issuer + "/",
            _ => null,
        };
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
        BrowserNavigation navigation = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().BeEmpty();
            navigation.CallbackStatusCode.Should().Be(HttpStatusCode.BadRequest);
            mcpServer.McpRequests.Should().ContainSingle();
        }
    }

    // AUTH-37 row 4: iss neither advertised nor sent, so the sign-in proceeds.
    [Fact]
    public async Task SendAsync_IssNotAdvertisedAndAbsent_Completes()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.IssParameterSupported = false;
            o.IssInRedirect = IssRedirectMode.Omit;
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

    }

    // CB-06, AUTH-36: the user denies; a typed denial with the server's error, and no token request.
    [Fact]
    public async Task SendAsync_UserDeniesAccess_ThrowsAuthorizationExceptionWithoutTokenRequest()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.AuthorizeError = "access_denied";
            o.AuthorizeErrorDescription = "<script>alert(1)</script>";
        });
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthAuthorizationException denied = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        BrowserNavigation navigation = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);
        using (new AssertionScope())
        {
            denied.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            denied.Error.Should().Be("access_denied");
            authorizationServer.TokenRequests.Should().BeEmpty();
            navigation.CallbackBody.Should().NotContain("<script>");
            navigation.CallbackHeaders["Content-Security-Policy"].Should().Contain("default-src 'none'");
            navigation.CallbackHeaders["Cache-Control"].Should().Be("no-store");
        }
    }
}
