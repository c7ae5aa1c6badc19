namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>How <see cref="OidcProviderServer.StartAsync"/> configures <c>tests/oidc-provider/server.mjs</c>
/// (each property becomes one of its environment variables).</summary>
public sealed class OidcProviderOptions
{
    /// <summary>Gets the TCP port on 127.0.0.1; 0 (the default) picks an ephemeral one (<c>PORT</c>).</summary>
    public int Port { get; init; }

    /// <summary>Gets the access token lifetime in seconds (<c>ACCESS_TOKEN_TTL</c>, default 60).</summary>
    public int AccessTokenTtlSeconds { get; init; } = 60;

    /// <summary>Gets the refresh token lifetime in seconds (<c>REFRESH_TOKEN_TTL</c>, default 86400).</summary>
    public int RefreshTokenTtlSeconds { get; init; } = 86400;

    /// <summary>Gets the JWS algorithm of the JWT access tokens: <c>RS256</c> (default) or <c>ES256</c>
    /// (<c>ACCESS_TOKEN_ALG</c>).</summary>
    public string AccessTokenAlgorithm { get; init; } = "RS256";

    /// <summary>Gets the exact resource indicators (RFC 8707) the server accepts (<c>MCP_RESOURCES</c>); empty (the
    /// default) accepts any <c>http://127.0.0.1:PORT/…</c>, <c>http://localhost:PORT/…</c> or
    /// <c>http://[::1]:PORT/…</c> URL.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Gets the scopes a resource grants, space-separated (<c>MCP_SCOPES</c>, default
    /// <c>mcp:read mcp:write</c>); they are also advertised in <c>scopes_supported</c>.</summary>
    public string Scopes { get; init; } = "mcp:read mcp:write";

    /// <summary>Gets a value indicating whether <c>/.well-known/oauth-authorization-server</c> answers (oidc-provider
    /// serves the same document there and at <c>/.well-known/openid-configuration</c>); <see langword="false"/>
    /// makes it a 404 (<c>OAUTH_METADATA=0</c>) so a client must fall back to the OpenID path.</summary>
    public bool ServeOAuthAuthorizationServerMetadata { get; init; } = true;

    /// <summary>Gets a value indicating whether an authorization request asking for <c>offline_access</c> without a
    /// <c>prompt</c> gets <c>prompt=consent</c> added, so a refresh token is issued (the default). With
    /// <see langword="false"/> (<c>OFFLINE_ACCESS_IMPLIES_CONSENT=0</c>) oidc-provider's OpenID Connect rule applies:
    /// <c>offline_access</c> is dropped without <c>prompt=consent</c>, and no refresh token is issued.</summary>
    public bool OfflineAccessImpliesConsent { get; init; } = true;

    /// <summary>Gets how long to wait for the server's <c>READY</c> line (the npm install is not counted).</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
