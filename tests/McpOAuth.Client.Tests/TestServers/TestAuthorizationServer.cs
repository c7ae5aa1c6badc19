using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>A programmable OAuth 2.1 authorization server on real Kestrel at <c>http://127.0.0.1:PORT</c>.</summary>
/// <remarks>
/// Serves RFC 8414 / OIDC metadata, <c>/authorize</c> (code + PKCE S256 + RFC 9207 <c>iss</c>), <c>/token</c>
/// (authorization_code and refresh_token with rotation and reuse detection), <c>/register</c> (RFC 7591) and optionally
/// <c>/revoke</c> (RFC 7009), all under <see cref="TestAuthorizationServerOptions.IssuerPath"/>. Every other path answers
/// 404. Every request is recorded in <see cref="LoopbackTestServer.Requests"/>. Use with <c>await using</c>.
/// </remarks>
public sealed partial class TestAuthorizationServer : LoopbackTestServer
{
    private const string OAuthWellKnown = "/.well-known/oauth-authorization-server";
    private const string OpenIdWellKnown = "/.well-known/openid-configuration";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TestClientRegistration> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuthorizationCodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedAccessToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshTokenState> _refreshTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revokedGrants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GrantTerms> _grantTerms = new(StringComparer.Ordinal);
    private readonly HttpClient _metadataDocumentClient = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private int _refreshTokenReuseCount;

    private TestAuthorizationServer(TestAuthorizationServerOptions options)
        : base(() => options.TimeProvider)
    {
        Options = options;
        foreach (var client in options.PreRegisteredClients)
        {
            _clients[client.ClientId] = client;
        }
    }

    /// <summary>Gets the live options; changes apply to the next request.</summary>
    public TestAuthorizationServerOptions Options { get; }

    /// <summary>Gets the exact issuer string: the origin without a trailing slash, plus the issuer path.</summary>
    public string Issuer => Origin + Options.IssuerPath;

    /// <summary>Gets the authorization endpoint, <c>{issuer}/authorize</c>.</summary>
    public Uri AuthorizationEndpoint => new(Origin + EndpointPath("/authorize"));

    /// <summary>Gets the token endpoint, <c>{issuer}/token</c>.</summary>
    public Uri TokenEndpoint => new(Origin + EndpointPath("/token"));

    /// <summary>Gets the registration endpoint, <c>{issuer}/register</c> (served only when registration is enabled).</summary>
    public Uri RegistrationEndpoint => new(Origin + EndpointPath("/register"));

    /// <summary>Gets the revocation endpoint, <c>{issuer}/revoke</c> (served only when revocation is enabled).</summary>
    public Uri RevocationEndpoint => new(Origin + EndpointPath("/revoke"));

    /// <summary>Gets the RFC 8414 metadata URL, <c>/.well-known/oauth-authorization-server{issuerPath}</c>.</summary>
    public Uri OAuthMetadataUri => new(Origin + OAuthWellKnown + IssuerPathTrimmed);

    /// <summary>Gets the URLs currently serving the metadata document, in MCP discovery order.</summary>
    public IReadOnlyList<Uri> MetadataUris => [.. MetadataPathsServed().Select(p => new Uri(Origin + p))];

    /// <summary>Gets the requests to <c>/authorize</c>.</summary>
    public IReadOnlyList<RecordedRequest> AuthorizeRequests => RequestsTo(EndpointPath("/authorize"));

    /// <summary>Gets the requests to <c>/token</c>.</summary>
    public IReadOnlyList<RecordedRequest> TokenRequests => RequestsTo(EndpointPath("/token"));

    /// <summary>Gets the requests to <c>/register</c>.</summary>
    public IReadOnlyList<RecordedRequest> RegistrationRequests => RequestsTo(EndpointPath("/register"));

    /// <summary>Gets the requests to <c>/revoke</c>.</summary>
    public IReadOnlyList<RecordedRequest> RevocationRequests => RequestsTo(EndpointPath("/revoke"));

    /// <summary>Gets the number of requests to <c>/authorize</c>.</summary>
    public int AuthorizeRequestCount => AuthorizeRequests.Count;

    /// <summary>Gets the number of requests to <c>/register</c> (successful or not).</summary>
    public int RegistrationCount => RegistrationRequests.Count;

    /// <summary>Gets the number of times a rotated refresh token was presented again (each revoked its family).</summary>
    public int RefreshTokenReuseCount => Volatile.Read(ref _refreshTokenReuseCount);

    /// <summary>Gets a snapshot of every access token issued so far.</summary>
    public IReadOnlyList<IssuedAccessToken> IssuedAccessTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _accessTokens.Values.OrderBy(t => t.IssuedAt)];
            }
        }
    }

    /// <summary>Gets a snapshot of every known client, pre-registered or registered.</summary>
    public IReadOnlyList<TestClientRegistration> Clients
    {
        get
        {
            lock (_gate)
            {
                return [.. _clients.Values];
            }
        }
    }

    private string IssuerPathTrimmed => Options.IssuerPath.TrimEnd('/');

    /// <summary>Starts a server on 127.0.0.1 with an ephemeral port.</summary>
    /// <param name="configure">Sets options before the server starts.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentException">The issuer path is not empty and does not start with <c>/</c>.</exception>
    public static async Task<TestAuthorizationServer> StartAsync(Action<TestAuthorizationServerOptions>? configure = null)
    {
        var options = new TestAuthorizationServerOptions();
        configure?.Invoke(options);
        if (options.IssuerPath.Length > 0 && !options.IssuerPath.StartsWith('/'))
        {
            throw new ArgumentException("IssuerPath must be empty or start with '/'.", nameof(configure));
        }

        return await StartAsync(new TestAuthorizationServer(options));
    }

    /// <summary>Counts token requests with the given <c>grant_type</c> form field (successful or not).</summary>
    /// <param name="grantType">For example <c>authorization_code</c> or <c>refresh_token</c>.</param>
    /// <returns>The number of matching requests.</returns>
    public int TokenRequestCount(string grantType) =>
        TokenRequests.Count(r => string.Equals(r.FormValue("grant_type"), grantType, StringComparison.Ordinal));

    /// <summary>Adds or replaces a client while the server runs.</summary>
    /// <param name="client">The client to know.</param>
    public void AddClient(TestClientRegistration client)
    {
        lock (_gate)
        {
            _clients[client.ClientId] = client;
        }
    }

    /// <summary>Forgets a client, so its next request gets <c>invalid_client</c> (an AS that lost a DCR client).</summary>
    /// <param name="clientId">The client to forget.</param>
    /// <returns><see langword="true"/> if the client was known.</returns>
    public bool RemoveClient(string clientId)
    {
        lock (_gate)
        {
            return _clients.Remove(clientId);
        }
    }

    /// <summary>Checks an access token as a resource server would: known, not revoked, not expired, and bound to
    /// <paramref name="resource"/> (ordinal comparison) unless it was issued without a resource.</summary>
    /// <param name="token">The bearer token.</param>
    /// <param name="resource">The resource identifier of the caller.</param>
    /// <param name="scopes">The granted scopes when valid; otherwise empty.</param>
    /// <returns><see langword="true"/> if the token is valid for the resource.</returns>
    public bool IsAccessTokenValid(string token, string resource, out IReadOnlyCollection<string> scopes)
    {
        var now = Options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_accessTokens.TryGetValue(token, out var issued)
                && !issued.IsRevoked
                && now < issued.ExpiresAt
                && (issued.Resource is null || string.Equals(issued.Resource, resource, StringComparison.Ordinal)))
            {
                scopes = issued.Scopes;
                return true;
            }
        }

        scopes = [];
        return false;
    }

    /// <summary>Gets what an access token is bound to, or <see langword="null"/> if this server never issued it.</summary>
    /// <param name="token">The access token.</param>
    /// <returns>The token's record.</returns>
    public IssuedAccessToken? GetAccessToken(string token)
    {
        lock (_gate)
        {
            return _accessTokens.GetValueOrDefault(token);
        }
    }

    /// <summary>Revokes every access token issued so far (refresh tokens stay valid).</summary>
    public void RevokeAllAccessTokens()
    {
        lock (_gate)
        {
            foreach (var token in _accessTokens.Keys.ToList())
            {
                _accessTokens[token] = _accessTokens[token] with { IsRevoked = true };
            }
        }
    }

    /// <summary>Revokes every access and refresh token issued so far.</summary>
    public void RevokeAllTokens()
    {
        lock (_gate)
        {
            foreach (var grantId in _refreshTokens.Values.Select(r => r.GrantId).Concat(_accessTokens.Values.Select(a => a.GrantId)).ToList())
            {
                RevokeGrantLocked(grantId);
            }
        }
    }

    /// <summary>Revokes one access token, or one refresh token together with its family.</summary>
    /// <param name="token">The token to revoke.</param>
    /// <returns><see langword="true"/> if the token was known.</returns>
    public bool RevokeToken(string token)
    {
        lock (_gate)
        {
            return RevokeTokenLocked(token);
        }
    }

    /// <summary>Builds the metadata document exactly as it would be served now (after <see cref="TestAuthorizationServerOptions.MutateMetadata"/>).</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject CreateMetadataDocument()
    {
        var o = Options;
        var document = new JsonObject
        {
            ["issuer"] = o.IssuerOverride ?? Issuer,
            ["authorization_endpoint"] = AuthorizationEndpoint.AbsoluteUri,
            ["token_endpoint"] = TokenEndpoint.AbsoluteUri,
        };
        if (o.RegistrationEnabled)
        {
            document["registration_endpoint"] = RegistrationEndpoint.AbsoluteUri;
        }

        if (o.DeviceAuthorizationEnabled)
        {
            document["device_authorization_endpoint"] = DeviceAuthorizationEndpoint.AbsoluteUri;
        }

        if (o.RevocationEnabled)
        {
            document["revocation_endpoint"] = RevocationEndpoint.AbsoluteUri;
        }

        document["response_types_supported"] = ToJsonArray(["code"]);
        AddIfNotNull(document, "grant_types_supported", o.GrantTypesSupported);
        AddIfNotNull(document, "code_challenge_methods_supported", o.CodeChallengeMethodsSupported);
        AddIfNotNull(document, "token_endpoint_auth_methods_supported", o.TokenEndpointAuthMethodsSupported);
        AddIfNotNull(document, "scopes_supported", o.ScopesSupported);
        if (o.IssParameterSupported)
        {
            document["authorization_response_iss_parameter_supported"] = true;
        }

        if (o.ClientIdMetadataDocumentSupported)
        {
            document["client_id_metadata_document_supported"] = true;
        }

        o.MutateMetadata?.Invoke(document);
        return document;
    }

    /// <summary>Stops the server, then its client for metadata documents.</summary>
    private protected override async ValueTask DisposeCoreAsync()
    {
        await base.DisposeCoreAsync();
        _metadataDocumentClient.Dispose();
    }

    internal static JsonArray ToJsonArray(IEnumerable<string> values) =>
        new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    internal static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static void AddIfNotNull(JsonObject document, string name, IReadOnlyList<string>? values)
    {
        if (values is not null)
        {
            document[name] = ToJsonArray(values);
        }
    }

    private static async Task WriteOAuthErrorAsync(HttpContext context, OAuthError error)
    {
        if (error.BasicChallenge)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"test-as\"";
        }

        var body = new JsonObject { ["error"] = error.Error };
        if (error.Description is not null)
        {
            body["error_description"] = error.Description;
        }

        await WriteJsonAsync(context, error.StatusCode, body);
    }

    private string EndpointPath(string name) => IssuerPathTrimmed + name;

    private List<string> MetadataPathsServed()
    {
        var paths = new List<string>();
        var flags = Options.MetadataPaths;
        if (flags.HasFlag(AuthorizationServerMetadataPaths.OAuthPathInsertion))
        {
            paths.Add(OAuthWellKnown + IssuerPathTrimmed);
        }

        if (flags.HasFlag(AuthorizationServerMetadataPaths.OpenIdPathInsertion))
        {
            paths.Add(OpenIdWellKnown + IssuerPathTrimmed);
        }

        if (flags.HasFlag(AuthorizationServerMetadataPaths.OpenIdPathAppending))
        {
            paths.Add(IssuerPathTrimmed + OpenIdWellKnown);
        }

        return paths;
    }

    private protected override async Task DispatchAsync(HttpContext context, RecordedRequest request)
    {
        var o = Options;
        if (o.OnRequest is { } onRequest && await onRequest(context))
        {
            return;
        }

        var path = request.Path;
        if (MetadataPathsServed().Contains(path, StringComparer.Ordinal))
        {
            if (o.OnMetadataRequest is { } hook && await hook(context))
            {
                return;
            }

            if (!HttpMethods.IsGet(request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            await WriteJsonAsync(context, StatusCodes.Status200OK, CreateMetadataDocument());
        }
        else if (string.Equals(path, EndpointPath("/authorize"), StringComparison.Ordinal))
        {
            if (o.OnAuthorizeRequest is { } hook && await hook(context))
            {
                return;
            }

            await HandleAuthorizeAsync(context, request);
        }
        else if (string.Equals(path, EndpointPath("/token"), StringComparison.Ordinal))
        {
            if (o.OnTokenRequest is { } hook && await hook(context))
            {
                return;
            }

            await HandleTokenAsync(context, request);
        }
        else if (o.RegistrationEnabled && string.Equals(path, EndpointPath("/register"), StringComparison.Ordinal))
        {
            if (o.OnRegistrationRequest is { } hook && await hook(context))
            {
                return;
            }

            await HandleRegistrationAsync(context, request);
        }
        else if (o.DeviceAuthorizationEnabled && string.Equals(path, EndpointPath("/device_authorization"), StringComparison.Ordinal))
        {
            await HandleDeviceAuthorizationAsync(context, request);
        }
        else if (o.RevocationEnabled && string.Equals(path, EndpointPath("/revoke"), StringComparison.Ordinal))
        {
            if (o.OnRevocationRequest is { } hook && await hook(context))
            {
                return;
            }

            await HandleRevocationAsync(context, request);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private TestClientRegistration? FindClient(string clientId)
    {
        lock (_gate)
        {
            if (_clients.TryGetValue(clientId, out var client))
            {
                return client;
            }
        }

        return Options.ClientIdMetadataDocumentSupported && IsUrlClientId(clientId)
            ? new TestClientRegistration { ClientId = clientId }
            : null;
    }

    private static bool IsUrlClientId(string clientId) =>
        Uri.TryCreate(clientId, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && RedirectUris.IsLoopbackLiteral(uri)));

    private bool RevokeTokenLocked(string token)
    {
        if (_accessTokens.TryGetValue(token, out var access))
        {
            _accessTokens[token] = access with { IsRevoked = true };
            return true;
        }

        if (_refreshTokens.TryGetValue(token, out var refresh))
        {
            RevokeGrantLocked(refresh.GrantId);
            return true;
        }

        return false;
    }

    private void RevokeGrantLocked(string grantId)
    {
        _revokedGrants.Add(grantId);
        foreach (var (token, access) in _accessTokens.Where(t => string.Equals(t.Value.GrantId, grantId, StringComparison.Ordinal)).ToList())
        {
            _accessTokens[token] = access with { IsRevoked = true };
        }
    }

    private IssuedAccessToken IssueAccessTokenLocked(string clientId, string? resource, string? scope, string grantType, string grantId)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var token = new IssuedAccessToken
        {
            Token = NewTokenValue("at-"),
            ClientId = clientId,
            Resource = resource,
            Scopes = SplitScope(scope),
            GrantType = grantType,
            GrantId = grantId,
            IssuedAt = now,
            ExpiresAt = now + Options.AccessTokenLifetime,
            AuthorizationParameters = _grantTerms.TryGetValue(grantId, out var terms) ? terms.AuthorizationParameters : new Dictionary<string, string>(),
        };
        _accessTokens[token.Token] = token;
        return token;
    }

    private string NewTokenValue(string prefix) =>
        Options.ShapeToken is { } shape ? shape(TestCrypto.NewOpaqueValue(prefix)) : TestCrypto.NewOpaqueValue(prefix);

    private bool RefreshTokensFor(string grantId) => !_grantTerms.TryGetValue(grantId, out var terms) || terms.RefreshTokens;

    private static string[] SplitScope(string? scope) =>
        scope is null ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private sealed class AuthorizationCodeGrant : IssuedGrant
    {
        public required string RedirectUri { get; init; }

        public required bool RedirectUriWasSent { get; init; }

        public string? CodeChallenge { get; init; }

        public required DateTimeOffset ExpiresAt { get; init; }

        public bool Redeemed { get; set; }
    }

    private sealed class RefreshTokenState : IssuedGrant
    {
        public DateTimeOffset? ExpiresAt { get; init; }

        public bool Rotated { get; set; }
    }

    /// <summary>What an authorization request decided for its grant: its parameters, and whether it earns refresh tokens.</summary>
    private sealed record GrantTerms(IReadOnlyDictionary<string, string> AuthorizationParameters, bool RefreshTokens);

    private sealed record OAuthError(int StatusCode, string Error, string? Description, bool BasicChallenge = false)
    {
        public static OAuthError InvalidRequest(string description) => new(400, "invalid_request", description);

        public static OAuthError InvalidGrant(string description) => new(400, "invalid_grant", description);

        public static OAuthError InvalidClient(string description, bool basic) => new(401, "invalid_client", description, basic);
    }
}
