using System.Net;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The complete 2025-11-25 flow against real loopback servers: 401, PRM, AS metadata, DCR, authorize, callback,
/// token, and the retried request.</summary>
public sealed class AuthorizationFlowTests : ServerPairTest
{
    // AUTH-03, AUTH-04, AUTH-09, AUTH-21..23, AUTH-32..34, AUTH-36, AUTH-39, AUTHZ-04, TOK-07, REG-02, CB-02, RS-06, RS-10.
    [Fact]
    public async Task SendAsync_FirstRequest_RunsFullFlowAndRetriesWithBearer()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.RequiredScopes["*"] = ["mcp:read"]);
        using var client = McpClientHarness.Create();
        string body = McpClientHarness.JsonRpc("tools/list");

        using HttpResponseMessage response = await client.PostAsync(mcpServer.McpUri, body);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest authorize = authorizationServer.AuthorizeRequests.Should().ContainSingle().Subject;
        RecordedRequest token = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        RecordedRequest registration = authorizationServer.RegistrationRequests.Should().ContainSingle().Subject;
        string accessToken = authorizationServer.IssuedAccessTokens.Should().ContainSingle().Subject.Token;
        string clientId = authorizationServer.Clients.Should().ContainSingle().Subject.ClientId;
        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
                "POST /mcp 401",
                "GET /.well-known/oauth-protected-resource/mcp 200",
                "POST /mcp 200");
            McpClientHarness.Describe(authorizationServer.Requests).Should().Equal(
                "GET /.well-known/oauth-authorization-server 200",
                "POST /register 201",
                "GET /authorize 302",
                "POST /token 200");

            // RS-10: the JSON-RPC body is resent byte for byte, once, now with the bearer token (AUTH-39).
            mcpServer.McpRequests.Select(r => r.Body).Should().Equal(body, body);
            mcpServer.McpRequests.Select(r => r.Authorization).Should().Equal(null, "Bearer " + accessToken);

            // AUTHZ-04: the authorization request.
            authorize.QueryValue("response_type").Should().Be("code");
            authorize.QueryValue("client_id").Should().Be(clientId);
            authorize.QueryValue("code_challenge_method").Should().Be("S256");
            authorize.QueryValue("code_challenge").Should().HaveLength(43);
            authorize.QueryValue("state").Should().NotBeNullOrEmpty();
            authorize.QueryValue("scope").Should().Be("mcp:read");
            authorize.QueryValue("redirect_uri").Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/callback$");

            // AUTH-34: resource byte-identical in both requests and equal to the PRM resource.
            authorize.QueryValue("resource").Should().Be(mcpServer.Resource);
            token.FormValue("resource").Should().Be(authorize.QueryValue("resource"));

            // TOK-07, CB-02, AUTH-32: the token request.
            token.FormValue("grant_type").Should().Be("authorization_code");
            token.FormValue("client_id").Should().Be(clientId);
            token.FormValue("redirect_uri").Should().Be(authorize.QueryValue("redirect_uri"));
            TestCrypto.S256(token.FormValue("code_verifier")!).Should().Be(authorize.QueryValue("code_challenge"));
            token.FormValue("client_secret").Should().BeNull();
            token.Authorization.Should().BeNull();
            token.QueryString.Should().BeEmpty();
            token.Form.Keys.Should().NotContain("state");

            // REG-02, AUTH-22, AUTH-23: the registration body.
            var registered = (JsonObject)registration.BodyAsJson()!;
            registered["application_type"]!.GetValue<string>().Should().Be("native");
            registered["token_endpoint_auth_method"]!.GetValue<string>().Should().Be("none");
            registered["redirect_uris"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(authorize.QueryValue("redirect_uri"));
            registered["grant_types"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain(["authorization_code", "refresh_token"]);
            registered["response_types"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("code");
            registered.ContainsKey("client_secret").Should().BeFalse();

            // RS-06, AUTH-40: the token never travels in a URL.
            mcpServer.Requests.Concat(authorizationServer.Requests)
                .Should().NotContain(r => r.QueryString.Contains(accessToken, StringComparison.Ordinal) || r.QueryString.Contains("access_token", StringComparison.Ordinal));
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    // AUTH-39, RS-13: a cached token is used with no authorization server call.
    [Fact]
    public async Task SendAsync_SecondRequest_ReusesTokenWithoutAuthorizationServerCalls()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        int authorizationServerRequests = authorizationServer.Requests.Count;

        using HttpResponseMessage second = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        second.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.Requests.Should().HaveCount(authorizationServerRequests);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 200");
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    // The handler leaves a caller's own Authorization header alone (no token swap, no challenge handling).
    [Fact]
    public async Task SendAsync_RequestAlreadyHasAuthorization_PassesThroughUntouched()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        int authorizationServerRequests = authorizationServer.Requests.Count;
        using HttpRequestMessage request = McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/list", 2));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "caller-supplied-token");

        using HttpResponseMessage response = await client.Http.SendAsync(request).WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            mcpServer.McpRequests[^1].Authorization.Should().Be("Bearer caller-supplied-token");
            mcpServer.McpRequests.Should().HaveCount(3);
            authorizationServer.Requests.Should().HaveCount(authorizationServerRequests);
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    // REF-06 (no interactive flow allowed), AllowInteractive = false: discovery may run, but no browser and no authorization request.
    [Fact]
    public async Task SendAsync_InteractiveDisabled_ThrowsReauthenticationRequiredWithoutBrowser()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = McpClientHarness.Create(o => o.AllowInteractive = false);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ReauthenticationRequired);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(0);
            authorizationServer.AuthorizeRequests.Should().BeEmpty();
            authorizationServer.RegistrationRequests.Should().BeEmpty();
            authorizationServer.TokenRequests.Should().BeEmpty();
        }
    }

    // RS-10 (second half), AUTH-43: the server rejects even the token just issued; surfaced after one sign-in, no loop.
    [Fact]
    public async Task SendAsync_ServerRejectsFreshToken_ThrowsAuthorizationLoopAfterOneSignIn()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.IssueRefreshTokens = false, o => o.TokenValidator = (_, _) => null);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 401");
        }
    }

    // AUTH-48: a 403 that is not insufficient_scope is an authorization decision; it is returned, with no OAuth at all.
    [Fact]
    public async Task SendAsync_PlainForbidden_ReturnedWithoutAuthorization()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        mcpServer.Options.OnMcpRequest = context =>
        {
            context.Response.StatusCode = 403;
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_request\"";
            return Task.FromResult(true);
        };
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Forbidden);
            authorizationServer.Requests.Should().BeEmpty();
            mcpServer.Requests.Should().ContainSingle();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    // RS-11, AUTH-48: a 401 that challenges only another scheme is not answered with OAuth.
    [Fact]
    public async Task SendAsync_UnauthorizedWithOnlyBasicChallenge_ReturnedWithoutAuthorization()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.UnauthorizedChallengeOverride = ["Basic realm=\"mcp\""]);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            authorizationServer.Requests.Should().BeEmpty();
            mcpServer.Requests.Should().ContainSingle();
        }
    }
}
