namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The well-known paths at which <see cref="TestAuthorizationServer"/> serves its metadata document.</summary>
/// <remarks>
/// For an issuer <c>http://127.0.0.1:PORT/tenant1</c> the three forms are
/// <c>/.well-known/oauth-authorization-server/tenant1</c>, <c>/.well-known/openid-configuration/tenant1</c> and
/// <c>/tenant1/.well-known/openid-configuration</c>. Every other well-known path answers 404.
/// </remarks>
[Flags]
public enum AuthorizationServerMetadataPaths
{
    /// <summary>Serve no metadata at all.</summary>
    None = 0,

    /// <summary>RFC 8414 path insertion: <c>/.well-known/oauth-authorization-server{issuerPath}</c>.</summary>
    OAuthPathInsertion = 1,

    /// <summary>OIDC-style path insertion: <c>/.well-known/openid-configuration{issuerPath}</c>.</summary>
    OpenIdPathInsertion = 2,

    /// <summary>OIDC Discovery path appending: <c>{issuerPath}/.well-known/openid-configuration</c>.</summary>
    OpenIdPathAppending = 4,

    /// <summary>All three forms.</summary>
    All = OAuthPathInsertion | OpenIdPathInsertion | OpenIdPathAppending,
}
