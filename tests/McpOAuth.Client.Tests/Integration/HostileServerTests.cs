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

    // AUTH-12, DISC-01: the metadata claims another issuer; none of its endpoints is used.
    [Fact]
    public async Task SendAsync_MetadataIssuerMismatch_ThrowsIssuerMismatchAndUsesNoEndpoint()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.IssuerOverride = "https://honest.example");
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(authorizationServer.Requests).Should().Equal("GET /.well-known/oauth-authorization-server 200");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    // AUTH-12, DISC-02: an issuer that differs only by a trailing slash is still a mismatch.
    [Fact]
    public async Task SendAsync_MetadataIssuerDiffersByTrailingSlash_ThrowsIssuerMismatch()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        authorizationServer.Options.IssuerOverride = authorizationServer.Issuer + "/";
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        authorizationServer.Requests.Should().ContainSingle();
    }

    // AUTH-13, DISC-06: no code_challenge_methods_supported, so the flow is refused before the browser and registration.
    [Fact]
    public async Task SendAsync_MetadataOmitsPkceMethods_ThrowsPkceUnsupportedBeforeBrowser()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.CodeChallengeMethodsSupported = null);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(0);
            McpClientHarness.Describe(authorizationServer.Requests).Should().Equal("GET /.well-known/oauth-authorization-server 200");
        }
    }

    // AUTH-13, DISC-06, Q4: only "plain" is advertised; S256 is missing, so the flow is refused the same way.
    [Fact]
    public async Task SendAsync_MetadataListsOnlyPlain_ThrowsPkceUnsupportedBeforeBrowser()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.CodeChallengeMethodsSupported = ["plain"]);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        client.Browser.LaunchCount.Should().Be(0);
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
