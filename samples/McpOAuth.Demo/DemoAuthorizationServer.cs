using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Demo;

/// <summary>A small OAuth 2.1 authorization server for the demo, in memory, on 127.0.0.1.</summary>
/// <remarks>RFC 8414 metadata, RFC 7591 registration of native loopback clients, the code flow with PKCE S256 and a consent page,
/// RFC 9207 <c>iss</c>, refresh-token rotation with reuse detection, RFC 7009 revocation, and ES256 JWT access tokens whose
/// <c>aud</c> is the RFC 8707 resource (JWKS at <c>/jwks</c>). One user, <c>demo-user</c>, who only has to click Approve.
/// Not for production: no user login, no persistence, no rate limits.</remarks>
internal sealed class DemoAuthorizationServer : IAsyncDisposable
{
    public const string Subject = "demo-user";
    private const string KeyId = "demo-es256";
    private static readonly string[] SupportedScopes = [DemoMcpServer.Scope, "offline_access"];
    private static readonly string[] ResponseTypes = ["code"], GrantTypes = ["authorization_code", "refresh_token"], S256 = ["S256"], None = ["none"];

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Name, string[] RedirectUris)> _clients = [];
    private readonly Dictionary<string, Grant> _pending = [];   // consent pages shown, not yet answered
    private readonly Dictionary<string, Grant> _codes = [];     // authorization codes: single use
    private readonly Dictionary<string, Grant> _refresh = [];   // live refresh tokens
    private readonly Dictionary<string, string> _spent = [];    // used codes and rotated refresh tokens → their family
    private readonly Dictionary<string, string> _tokenFamily = []; // access-token jti → grant family
    private readonly HashSet<string> _revoked = [];             // revoked families and jtis
    private readonly WebApplication _app;
    private TaskCompletionSource _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Everything granted by one consent; a refresh token rotates within its family.</summary>
    private sealed record Grant(string ClientId, string RedirectUri, string Challenge, string Scope, string Resource, string? State, string Family, DateTimeOffset ExpiresAt);

    /// <summary>What a valid access token says.</summary>
    public sealed record AccessTokenInfo(string Subject, string ClientId, string[] Scopes);

    private DemoAuthorizationServer(TimeSpan accessTokenLifetime)
    {
        AccessTokenLifetime = accessTokenLifetime;
        _app = LoopbackApp.CreateBuilder().Build();
        _app.MapGet("/.well-known/oauth-authorization-server", Metadata);
        _app.MapGet("/jwks", () => Results.Json(new { keys = new[] { Jwk() } }));
        _app.MapPost("/register", RegisterAsync);
        _app.MapGet("/authorize", Authorize);
        _app.MapPost("/authorize", DecideAsync);
        _app.MapPost("/token", TokenAsync);
        _app.MapPost("/revoke", RevokeAsync);
    }

    /// <summary>Gets the issuer, exactly as in the metadata: <c>http://127.0.0.1:PORT</c>.</summary>
    public string Issuer { get; private set; } = "";

    public TimeSpan AccessTokenLifetime { get; }

    public static async Task<DemoAuthorizationServer> StartAsync(TimeSpan accessTokenLifetime)
    {
        var server = new DemoAuthorizationServer(accessTokenLifetime);
        server.Issuer = await LoopbackApp.StartAsync(server._app);
        return server;
    }

    /// <summary>Completes when the next consent page is answered (Approve or Deny), in a browser or not.</summary>
    public Task NextDecisionAsync()
    {
        lock (_gate)
        {
            return _decision.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private IResult Metadata()
    {
        Narrator.Party("AS", "GET /.well-known/oauth-authorization-server → RFC 8414 metadata (PKCE S256, iss parameter, registration, revocation)");
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["registration_endpoint"] = Issuer + "/register",
            ["revocation_endpoint"] = Issuer + "/revoke",
            ["jwks_uri"] = Issuer + "/jwks",
            ["scopes_supported"] = SupportedScopes,
            ["response_types_supported"] = ResponseTypes,
            ["grant_types_supported"] = GrantTypes,
            ["code_challenge_methods_supported"] = S256,
            ["token_endpoint_auth_methods_supported"] = None,
            ["authorization_response_iss_parameter_supported"] = true,
        });
    }

    private async Task<IResult> RegisterAsync(HttpRequest request)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return Error(400, "invalid_client_metadata", "The registration request is not JSON.");
        }

        string[] redirectUris = body?["redirect_uris"] is JsonArray uris ? [.. uris.Select(u => u?.GetValue<string>() ?? "")] : [];
        if (redirectUris.Length == 0 || !redirectUris.All(IsLoopbackRedirect))
        {
            return Error(400, "invalid_redirect_uri", "Only native clients with http://127.0.0.1 or http://localhost redirect URIs may register.");
        }

        if (body?["token_endpoint_auth_method"]?.GetValue<string>() is { } method && method != "none")
        {
            return Error(400, "invalid_client_metadata", "This server registers public clients only (token_endpoint_auth_method none).");
        }

        string name = body?["client_name"]?.GetValue<string>() ?? "unnamed client";
        string clientId = "demo-client-" + RandomToken(6);
        lock (_gate)
        {
            _clients[clientId] = (name, redirectUris);
        }

        Narrator.Party("AS", $"POST /register → 201: client_id {clientId} for \"{name}\", redirect_uri {redirectUris[0]}");
        return Results.Json(
            new
            {
                client_id = clientId,
                client_id_issued_at = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
                client_name = name,
                redirect_uris = redirectUris,
                grant_types = GrantTypes,
                response_types = ResponseTypes,
                token_endpoint_auth_method = "none",
            },
            statusCode: 201);
    }

    private IResult Authorize(HttpContext context)
    {
        IQueryCollection q = context.Request.Query;
        string clientId = q["client_id"].ToString(), redirectUri = q["redirect_uri"].ToString();
        (string Name, string[] RedirectUris) client;
        lock (_gate)
        {
            // Errors before the redirect URI is trusted are shown here, never redirected (RFC 6749 §4.1.2.1).
            if (!_clients.TryGetValue(clientId, out client) || !client.RedirectUris.Any(r => SameRedirect(r, redirectUri)))
            {
                return Page(400, "Unknown client or redirect URI", "<p>This authorization request cannot be answered.</p>");
            }
        }

        string? state = q["state"].Count > 0 ? q["state"].ToString() : null;
        string scope = q["scope"].Count > 0 ? q["scope"].ToString() : DemoMcpServer.Scope;
        string resource = q["resource"].ToString();
        string? problem =
            q["response_type"] != "code" ? "unsupported_response_type"
            : q["code_challenge_method"] != "S256" || q["code_challenge"].ToString().Length < 43 ? "invalid_request"
            : !Uri.TryCreate(resource, UriKind.Absolute, out Uri? r) || r.Fragment.Length > 0 ? "invalid_target"
            : scope.Split(' ').Except(SupportedScopes).Any() ? "invalid_scope"
            : null;
        if (problem is not null)
        {
            Narrator.Party("AS", $"GET /authorize → {problem}");
            return Results.Redirect(AuthorizationResponse(redirectUri, state, ("error", problem)));
        }

        string requestId = RandomToken(16);
        lock (_gate)
        {
            _pending[requestId] = new Grant(clientId, redirectUri, q["code_challenge"].ToString(), scope, resource, state, RandomToken(8),
                TimeProvider.System.GetUtcNow().AddMinutes(10));
        }

        Narrator.Party("AS", $"GET /authorize → consent page: \"{client.Name}\" asks for [{scope}] on {resource} (PKCE S256)");
        HtmlEncoder html = HtmlEncoder.Default;
        return Page(200, "Sign in to the McpOAuth demo", $"""
            <p><b>{html.Encode(client.Name)}</b> wants to use the MCP server <code>{html.Encode(resource)}</code> as <b>{Subject}</b>.</p>
            <p>Scopes: {string.Join(" ", scope.Split(' ').Select(s => $"<code>{html.Encode(s)}</code>"))}</p>
            <form method="post" action="/authorize">
              <input type="hidden" name="request" value="{requestId}">
              <button name="decision" value="approve">Approve</button> <button name="decision" value="deny">Deny</button>
            </form>
            """);
    }

    private async Task<IResult> DecideAsync(HttpRequest request)
    {
        IFormCollection form = await request.ReadFormAsync();
        Grant? grant;
        TaskCompletionSource decided;
        lock (_gate)
        {
            if (!_pending.Remove(form["request"].ToString(), out grant) || grant.ExpiresAt < TimeProvider.System.GetUtcNow())
            {
                return Page(400, "This consent page has expired", "<p>Start the sign-in again.</p>");
            }

            (decided, _decision) = (_decision, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        decided.TrySetResult();
        if (form["decision"] != "approve")
        {
            Narrator.Party("AS", "POST /authorize: the user denied access → redirect with error=access_denied");
            return Results.Redirect(AuthorizationResponse(grant.RedirectUri, grant.State, ("error", "access_denied")));
        }

        string code = RandomToken(32);
        lock (_gate)
        {
            _codes[code] = grant with { ExpiresAt = TimeProvider.System.GetUtcNow().AddMinutes(1) };
        }

        Narrator.Party("AS", $"POST /authorize: approved → 302 to {grant.RedirectUri} with code, state and iss");
        return Results.Redirect(AuthorizationResponse(grant.RedirectUri, grant.State, ("code", code)));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        IFormCollection form = await request.ReadFormAsync();
        string grantType = form["grant_type"].ToString(), clientId = form["client_id"].ToString();
        Grant? grant;
        lock (_gate)
        {
            if (grantType == "authorization_code")
            {
                // Single use: the code is removed whatever happens next; a replayed code revokes what it issued (RFC 6749 §4.1.2).
                string code = form["code"].ToString();
                if (!_codes.Remove(code, out grant))
                {
                    if (_spent.TryGetValue(code, out string? family))
                    {
                        RevokeFamily(family);
                    }

                    return Error(400, "invalid_grant", "Unknown, expired or already used authorization code.");
                }

                _spent[code] = grant.Family;

                string verifier = form["code_verifier"].ToString();
                string challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (grant.ClientId != clientId || grant.RedirectUri != form["redirect_uri"] || grant.ExpiresAt < TimeProvider.System.GetUtcNow()
                    || verifier.Length < 43 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(grant.Challenge)))
                {
                    return Error(400, "invalid_grant", "The code does not match this client, redirect URI or PKCE verifier.");
                }

                if (form["resource"].Count > 0 && form["resource"] != grant.Resource)
                {
                    return Error(400, "invalid_target", "The resource differs from the one that was authorized.");
                }
            }
            else if (grantType == "refresh_token")
            {
                string presented = form["refresh_token"].ToString();
                if (_spent.TryGetValue(presented, out string? family))
                {
                    // Reuse of a rotated refresh token: someone else may hold it. Revoke the whole family (OAuth 2.1 §4.3.1).
                    RevokeFamily(family);
                    Narrator.Party("AS", "POST /token refresh_token → reuse of a rotated token detected: its family is revoked");
                    return Error(400, "invalid_grant", "Refresh token reuse detected; the grant is revoked.");
                }

                if (!_refresh.Remove(presented, out grant) || grant.ClientId != clientId || _revoked.Contains(grant.Family))
                {
                    Narrator.Party("AS", "POST /token refresh_token → 400 invalid_grant (unknown or revoked refresh token)");
                    return Error(400, "invalid_grant", "Unknown or revoked refresh token.");
                }

                _spent[presented] = grant.Family;
                if (form["resource"].Count > 0 && form["resource"] != grant.Resource)
                {
                    return Error(400, "invalid_target", "The resource differs from the one that was authorized.");
                }
            }
            else
            {
                return Error(400, "unsupported_grant_type", "Only authorization_code and refresh_token are supported.");
            }
        }

        string accessToken = IssueAccessToken(grant);
        string? refreshToken = null;
        if (grant.Scope.Split(' ').Contains("offline_access"))
        {
            refreshToken = RandomToken(32);
            lock (_gate)
            {
                _refresh[refreshToken] = grant;
            }
        }

        Narrator.Party("AS", grantType == "authorization_code"
            ? $"POST /token authorization_code → PKCE verified; ES256 JWT access token (aud {grant.Resource}, {AccessTokenLifetime.TotalSeconds:0} s) + refresh token"
            : "POST /token refresh_token → rotated: the old refresh token is retired, a new access and refresh token issued");
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            access_token = accessToken,
            token_type = "Bearer",
            expires_in = (int)AccessTokenLifetime.TotalSeconds,
            refresh_token = refreshToken,
            scope = grant.Scope,
        });
    }

    private async Task<IResult> RevokeAsync(HttpRequest request)
    {
        IFormCollection form = await request.ReadFormAsync();
        string token = form["token"].ToString();
        lock (_gate)
        {
            if (_refresh.Remove(token, out Grant? grant))
            {
                RevokeFamily(grant.Family); // RFC 7009 §2.1: the access tokens of the same grant go too.
                Narrator.Party("AS", "POST /revoke refresh token → revoked, with every access token of its grant");
            }
            else if (ReadJwt(token) is { } claims && claims["jti"]?.GetValue<string>() is { } jti)
            {
                _revoked.Add(jti);
                Narrator.Party("AS", "POST /revoke access token → revoked");
            }
        }

        return Results.Ok(); // RFC 7009: 200 even for unknown tokens.
    }

    /// <summary>Validates an access token for a resource: signature, issuer, audience, expiry, revocation. What a resource
    /// server would do with the JWKS (or token introspection); the demo MCP server calls it in process.</summary>
    public AccessTokenInfo? Validate(string token, string resource)
    {
        JsonObject? claims = ReadJwt(token);
        if (claims is null || claims["iss"]?.GetValue<string>() != Issuer || claims["aud"]?.GetValue<string>() != resource)
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());
        string jti = claims["jti"]!.GetValue<string>();
        lock (_gate)
        {
            if (expiresAt <= TimeProvider.System.GetUtcNow() || _revoked.Contains(jti)
                || (_tokenFamily.TryGetValue(jti, out string? family) && _revoked.Contains(family)))
            {
                return null;
            }
        }

        return new AccessTokenInfo(claims["sub"]!.GetValue<string>(), claims["client_id"]!.GetValue<string>(),
            claims["scope"]!.GetValue<string>().Split(' '));
    }

    private string IssueAccessToken(Grant grant)
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        string jti = RandomToken(12);
        lock (_gate)
        {
            _tokenFamily[jti] = grant.Family;
        }

        string header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", typ = "at+jwt", kid = KeyId }));
        string payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = Issuer,
            sub = Subject,
            aud = grant.Resource,
            client_id = grant.ClientId,
            scope = grant.Scope,
            jti,
            iat = now.ToUnixTimeSeconds(),
            exp = now.Add(AccessTokenLifetime).ToUnixTimeSeconds(),
        }));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256); // IEEE P1363, as JWS wants
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>The payload of a JWT this server signed, or <see langword="null"/>.</summary>
    private JsonObject? ReadJwt(string token)
    {
        string[] parts = token.Split('.');
        try
        {
            return parts.Length == 3
                && _key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256)
                ? JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private void RevokeFamily(string family)
    {
        _revoked.Add(family);
        foreach (string token in _refresh.Where(kv => kv.Value.Family == family).Select(kv => kv.Key).ToList())
        {
            _refresh.Remove(token);
        }
    }

    private object Jwk()
    {
        ECParameters p = _key.ExportParameters(includePrivateParameters: false);
        return new { kty = "EC", crv = "P-256", x = Base64Url.EncodeToString(p.Q.X), y = Base64Url.EncodeToString(p.Q.Y), kid = KeyId, use = "sig", alg = "ES256" };
    }

    private string AuthorizationResponse(string redirectUri, string? state, (string Name, string Value) result)
    {
        var query = new StringBuilder(redirectUri).Append(redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        query.Append(result.Name).Append('=').Append(Uri.EscapeDataString(result.Value));
        if (state is not null)
        {
            query.Append("&state=").Append(Uri.EscapeDataString(state));
        }

        return query.Append("&iss=").Append(Uri.EscapeDataString(Issuer)).ToString();
    }

    /// <summary>RFC 8252 §7.3: a loopback redirect URI matches whatever its port.</summary>
    private static bool SameRedirect(string registered, string presented) =>
        Uri.TryCreate(registered, UriKind.Absolute, out Uri? a) && Uri.TryCreate(presented, UriKind.Absolute, out Uri? b)
        && a.Scheme == b.Scheme && a.Host == b.Host && a.PathAndQuery == b.PathAndQuery && (a.IsLoopback || a.Port == b.Port);

    private static bool IsLoopbackRedirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out Uri? u) && u.Scheme == Uri.UriSchemeHttp && u.IsLoopback && u.Fragment.Length == 0;

    private static string RandomToken(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private static HtmlPage Page(int status, string title, string body) => new HtmlPage(status, $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>{{title}}</title><style>
        body{font:16px system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em}
        button{font-size:1em;padding:.5em 1.5em;margin-right:.5em} code{background:#eee;padding:0 .2em}
        </style></head><body><h1>{{title}}</h1>{{body}}</body></html>
        """);

    /// <summary>An HTML page that loads nothing and cannot be framed.</summary>
    private sealed class HtmlPage(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            return response.WriteAsync(html);
        }
    }
}
