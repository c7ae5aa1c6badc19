using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>Checks that the real oidc-provider behaves as an MCP authorization server with raw HTTP (no library
/// code): discovery, open DCR for a native public client, code + PKCE + resource through the devInteractions pages,
/// JWT access tokens for the resource, rotating refresh tokens with reuse detection, revocation.</summary>
public sealed class OidcProviderSmokeTests : IDisposable
{
    private const string Scope = "mcp:read mcp:write offline_access";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Discovery_registration_code_flow_refresh_rotation_and_revocation()
    {
        // The flow's budget starts once the server runs: the first start may install the pinned packages.
        await using var server = await OidcProviderServer.StartAsync(new OidcProviderOptions { AccessTokenTtlSeconds = 45 });
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;

        // Discovery: the OpenID path, and the RFC 8414 path (oidc-provider serves both by default).
        using var discovery = await GetJsonAsync(server.OpenIdConfigurationUri, ct);
        var meta = discovery.RootElement;
        meta.GetProperty("issuer").GetString().Should().Be(server.Issuer).And.NotEndWith("/");
        meta.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()).Should().Equal("S256");
        meta.GetProperty("authorization_response_iss_parameter_supported").GetBoolean().Should().BeTrue();
        Strings(meta, "scopes_supported").Should().Contain(new[] { "offline_access", "mcp:read", "mcp:write" });
        Strings(meta, "grant_types_supported").Should().Contain(new[] { "authorization_code", "refresh_token" });
        Strings(meta, "token_endpoint_auth_methods_supported").Should().Contain("none");
        var authorizationEndpoint = new Uri(meta.GetProperty("authorization_endpoint").GetString()!);
        var tokenEndpoint = new Uri(meta.GetProperty("token_endpoint").GetString()!);
        var registrationEndpoint = new Uri(meta.GetProperty("registration_endpoint").GetString()!);
        var revocationEndpoint = new Uri(meta.GetProperty("revocation_endpoint").GetString()!);
        var introspectionEndpoint = new Uri(meta.GetProperty("introspection_endpoint").GetString()!);
        var jwksUri = new Uri(meta.GetProperty("jwks_uri").GetString()!);
        (authorizationEndpoint, tokenEndpoint, registrationEndpoint, revocationEndpoint, introspectionEndpoint, jwksUri)
            .Should().Be((server.AuthorizationEndpoint, server.TokenEndpoint, server.RegistrationEndpoint,
                server.RevocationEndpoint, server.IntrospectionEndpoint, server.JwksUri));
        using (var rfc8414 = await GetJsonAsync(server.OAuthAuthorizationServerMetadataUri, ct))
        {
            rfc8414.RootElement.GetProperty("issuer").GetString().Should().Be(server.Issuer);
        }

        // Open DCR: a native public client with a loopback redirect URI on one port...
        var clientId = await server.RegisterPublicClientAsync(new Uri("http://127.0.0.1:40001/callback"), cancellationToken: ct);

        // ...authorizes with another port (RFC 8252 §7.3: oidc-provider ignores loopback ports for native clients).
        var redirectUri = new Uri("http://127.0.0.1:40002/callback");
        var resource = "http://127.0.0.1:40003/mcp";
        using var browser = server.CreateBrowser();
        var (code, verifier) = await AuthorizeAsync(browser, server, clientId, redirectUri, resource, "st-1", ct);

        // Code exchange with resource: a JWT access token for the resource, and a refresh token (offline_access).
        using var tokens = await ExchangeCodeAsync(server, clientId, redirectUri, resource, (code, verifier), ct);
        var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;
        var refreshToken = tokens.RootElement.GetProperty("refresh_token").GetString()!;
        tokens.RootElement.GetProperty("token_type").GetString().Should().Be("Bearer");
        tokens.RootElement.GetProperty("expires_in").GetInt32().Should().Be(45);
        tokens.RootElement.GetProperty("scope").GetString().Should().Be("mcp:read mcp:write");

        var validator = await server.CreateJwtValidatorAsync(ct);
        var jwt = await validator.ValidateAsync(accessToken, resource, ct);
        jwt.Audiences.Should().Equal(resource);
        jwt.Scopes.Should().BeEquivalentTo(new[] { "mcp:read", "mcp:write" });
        jwt.Subject.Should().Be("alice");
        jwt.ClientId.Should().Be(clientId);
        jwt.Algorithm.Should().Be("RS256");
        jwt.Type.Should().Be("at+jwt");
        (await validator.TryValidateAsync(accessToken, "http://127.0.0.1:40004/other", ct)).IsValid.Should().BeFalse();
        var tampered = accessToken.ToCharArray();
        tampered[^10] = tampered[^10] == 'A' ? 'B' : 'A'; // inside the signature, clear of base64url padding bits
        validator.TryValidate(new string(tampered)).Error.Should().Be("bad signature");

        // Refresh with resource: a new access token for the same resource, and a rotated refresh token.
        using var refreshed = await RefreshAsync(server, clientId, refreshToken, resource, HttpStatusCode.OK, ct);
        var refreshToken2 = refreshed.RootElement.GetProperty("refresh_token").GetString()!;
        refreshToken2.Should().NotBe(refreshToken);
        (await validator.ValidateAsync(refreshed.RootElement.GetProperty("access_token").GetString()!, resource, ct))
            .Audiences.Should().Equal(resource);

        // Refresh without resource keeps the granted one; a resource outside the grant is invalid_target.
        using (var noResource = await RefreshAsync(server, clientId, refreshToken2, resource: null, HttpStatusCode.OK, ct))
        {
            var again = await validator.ValidateAsync(noResource.RootElement.GetProperty("access_token").GetString()!, resource, ct);
            again.Audiences.Should().Equal(resource);
            refreshToken2 = noResource.RootElement.GetProperty("refresh_token").GetString()!;
        }

        (await RefreshErrorAsync(server, clientId, refreshToken2, "http://127.0.0.1:40004/other", ct)).Should().Be("invalid_target");

        // Reuse of a rotated refresh token: invalid_grant, and the whole grant is revoked (the newest token too).
        (await RefreshErrorAsync(server, clientId, refreshToken, resource, ct)).Should().Be("invalid_grant", "a rotated token was reused");
        (await RefreshErrorAsync(server, clientId, refreshToken2, resource, ct)).Should().Be("invalid_grant", "the reuse revoked the grant");

        // A second authorization (the login session cookie skips login; native clients still see consent).
        var second = await AuthorizeAsync(browser, server, clientId, redirectUri, resource, "st-2", ct);
        using var tokens2 = await ExchangeCodeAsync(server, clientId, redirectUri, resource, second, ct);
        var refreshToken3 = tokens2.RootElement.GetProperty("refresh_token").GetString()!;

        // Introspection (the public client may introspect its own refresh token).
        (await IsActiveAsync(server, clientId, refreshToken3, ct)).Should().BeTrue();

        // Revocation (RFC 7009): 200 with an empty body, and the refresh token is dead.
        using (var revoke = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refreshToken3,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = clientId,
        }))
        {
            using var revoked = await _http.PostAsync(revocationEndpoint, revoke, ct);
            revoked.StatusCode.Should().Be(HttpStatusCode.OK, server.Log);
        }

        (await RefreshErrorAsync(server, clientId, refreshToken3, resource, ct)).Should().Be("invalid_grant");
        (await IsActiveAsync(server, clientId, refreshToken3, ct)).Should().BeFalse();
    }

    [Fact]
    public async Task Browser_hook_delivers_the_callback_es256_tokens_validate_and_deny_yields_access_denied()
    {
        var resource = "http://127.0.0.1:40005/mcp";
        await using var server = await OidcProviderServer.StartAsync(new OidcProviderOptions
        {
            AccessTokenAlgorithm = "ES256",
            Resources = [resource],
            ServeOAuthAuthorizationServerMetadata = false,
        });
        using var cts = new CancellationTokenSource(Timeout);
        var ct = cts.Token;

        using (var missing = await _http.GetAsync(server.OAuthAuthorizationServerMetadataUri, ct))
        {
            missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        using var listener = new CallbackStandIn();
        var redirectUri = listener.RedirectUri;
        const string ClientScope = "mcp:read offline_access";
        var clientId = await server.RegisterPublicClientAsync(redirectUri, ClientScope, ct);
        using var browser = server.CreateBrowser();
        var (verifier, challenge) = Pkce();

        // As the library's hook: returns at once, the navigation runs in the background and delivers the callback.
        await browser.LaunchBrowser(new BrowserLaunchContext
        {
            AuthorizationUri = AuthorizationUri(server, clientId, redirectUri, resource, "st-hook", challenge, ClientScope),
            RedirectUri = redirectUri,
        }, ct);
        browser.LaunchCount.Should().Be(1);
        var callback = await listener.NextRequestAsync(ct);
        var navigation = await browser.WaitForNavigationAsync(ct);
        navigation.CallbackStatusCode.Should().Be(HttpStatusCode.OK);
        navigation.CallbackUri.Should().Be(callback);
        (await browser.Completion!).Should().BeSameAs(navigation);
        var query = QueryHelpers.ParseQuery(callback.Query);
        query["state"].ToString().Should().Be("st-hook");
        query["iss"].ToString().Should().Be(server.Issuer);

        using var tokens = await ExchangeCodeAsync(server, clientId, redirectUri, resource, (query["code"].ToString(), verifier), ct);
        var validator = await server.CreateJwtValidatorAsync(ct);
        var jwt = await validator.ValidateAsync(tokens.RootElement.GetProperty("access_token").GetString()!, resource, ct);
        jwt.Algorithm.Should().Be("ES256");
        jwt.Scopes.Should().Equal("mcp:read");
        tokens.RootElement.TryGetProperty("refresh_token", out _).Should().BeTrue();

        // A scope outside the client's registered "scope" metadata is refused (redirected as invalid_scope).
        var outside = await browser.AuthorizeAsync(
            AuthorizationUri(server, clientId, redirectUri, resource, "st-scope", challenge, Scope), redirectUri, ct);
        QueryHelpers.ParseQuery(outside.Query)["error"].ToString().Should().Be("invalid_scope");

        // A resource outside MCP_RESOURCES is refused at the authorization endpoint (redirected as invalid_target).
        var refused = await browser.AuthorizeAsync(
            AuthorizationUri(server, clientId, redirectUri, "http://127.0.0.1:40006/mcp", "st-bad", challenge, ClientScope), redirectUri, ct);
        QueryHelpers.ParseQuery(refused.Query)["error"].ToString().Should().Be("invalid_target");

        // Deny at consent: error=access_denied with state and iss, and no code.
        browser.Consent = OidcConsentDecision.Deny;
        var denied = await browser.AuthorizeAsync(
            AuthorizationUri(server, clientId, redirectUri, resource, "st-deny", challenge, ClientScope), redirectUri, ct);
        var deniedQuery = QueryHelpers.ParseQuery(denied.Query);
        deniedQuery["error"].ToString().Should().Be("access_denied");
        deniedQuery["state"].ToString().Should().Be("st-deny");
        deniedQuery["iss"].ToString().Should().Be(server.Issuer);
        deniedQuery.Should().NotContainKey("code");
    }

    private static async Task<(string Code, string Verifier)> AuthorizeAsync(
        OidcBrowser browser, OidcProviderServer server, string clientId, Uri redirectUri, string resource, string state, CancellationToken ct)
    {
        var (verifier, challenge) = Pkce();
        var location = await browser.AuthorizeAsync(
            AuthorizationUri(server, clientId, redirectUri, resource, state, challenge, Scope), redirectUri, ct);
        var query = QueryHelpers.ParseQuery(location.Query);
        query.Should().NotContainKey("error", location.Query);
        query["state"].ToString().Should().Be(state);
        query["iss"].ToString().Should().Be(server.Issuer);
        return (query["code"].ToString(), verifier);
    }

    private static Uri AuthorizationUri(
        OidcProviderServer server, string clientId, Uri redirectUri, string resource, string state, string challenge, string scope) =>
        new(QueryHelpers.AddQueryString(server.AuthorizationEndpoint.AbsoluteUri, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["resource"] = resource,
        }));

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }

    private static IEnumerable<string?> Strings(JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetString());

    private async Task<JsonDocument> GetJsonAsync(Uri uri, CancellationToken ct)
    {
        using var response = await _http.GetAsync(uri, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text);
    }

    /// <summary>The code exchange with PKCE and the resource (RFC 8707); expects 200.</summary>
    private Task<JsonDocument> ExchangeCodeAsync(
        OidcProviderServer server, string clientId, Uri redirectUri, string resource, (string Code, string Verifier) grant, CancellationToken ct) =>
        PostFormAsync(server.TokenEndpoint, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = grant.Code,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["code_verifier"] = grant.Verifier,
            ["client_id"] = clientId,
            ["resource"] = resource,
        }, HttpStatusCode.OK, ct);

    /// <summary>A refresh, with the resource unless it is <see langword="null"/>.</summary>
    private Task<JsonDocument> RefreshAsync(
        OidcProviderServer server, string clientId, string refreshToken, string? resource, HttpStatusCode expected, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
        };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        return PostFormAsync(server.TokenEndpoint, form, expected, ct);
    }

    /// <summary>A refresh that must be refused with 400; returns its OAuth <c>error</c>.</summary>
    private async Task<string?> RefreshErrorAsync(OidcProviderServer server, string clientId, string refreshToken, string resource, CancellationToken ct)
    {
        using var refused = await RefreshAsync(server, clientId, refreshToken, resource, HttpStatusCode.BadRequest, ct);
        return refused.RootElement.GetProperty("error").GetString();
    }

    /// <summary>RFC 7662 introspection by the public client of its own token.</summary>
    private async Task<bool> IsActiveAsync(OidcProviderServer server, string clientId, string token, CancellationToken ct)
    {
        using var introspected = await PostFormAsync(server.IntrospectionEndpoint, new() { ["token"] = token, ["client_id"] = clientId }, HttpStatusCode.OK, ct);
        return introspected.RootElement.GetProperty("active").GetBoolean();
    }

    private async Task<JsonDocument> PostFormAsync(Uri uri, Dictionary<string, string> form, HttpStatusCode expected, CancellationToken ct)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(uri, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        response.StatusCode.Should().Be(expected, text);
        return JsonDocument.Parse(text);
    }

    /// <summary>A minimal loopback HTTP listener standing in for the client's callback: answers every GET with 200.</summary>
    private sealed class CallbackStandIn : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public CallbackStandIn()
        {
            _listener.Start();
            RedirectUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/callback");
        }

        public Uri RedirectUri { get; }

        public async Task<Uri> NextRequestAsync(CancellationToken ct)
        {
            using var client = await _listener.AcceptTcpClientAsync(ct);
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var target = head.ToString().Split("\r\n")[0].Split(' ')[1];
            var body = "ok"u8.ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), ct);
            await stream.WriteAsync(body, ct);
            return new Uri(RedirectUri, target);
        }

        public void Dispose() => _listener.Dispose();
    }
}
