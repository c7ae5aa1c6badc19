namespace McpOAuth.Client;

/// <summary>How tokens are obtained.</summary>
public enum McpOAuthGrantType
{
    /// <summary>Chosen from the configuration and the authorization server's <c>grant_types_supported</c>: enterprise-managed
    /// authorization or a JWT bearer assertion when one is configured and the server takes the JWT bearer grant; client
    /// credentials when the server does not take the authorization code grant but takes client credentials and a client secret
    /// or signing key is configured; otherwise the authorization code grant.</summary>
    Automatic,

    /// <summary>The authorization code grant with PKCE, with a user in a browser (or a device code).</summary>
    AuthorizationCode,

    /// <summary>The client credentials grant, for machine-to-machine use (MCP extension <c>oauth-client-credentials</c>).</summary>
    ClientCredentials,

    /// <summary>The RFC 7523 JWT bearer grant with an assertion from <see cref="McpOAuthOptions.AssertionProvider"/>, such as a
    /// workload identity token (MCP extension workload identity federation).</summary>
    JwtBearer,

    /// <summary>Enterprise-managed authorization: an RFC 8693 token exchange of an identity provider's ID token for an ID-JAG,
    /// then the JWT bearer grant at the MCP authorization server (MCP extension, SEP-990).</summary>
    EnterpriseManaged,
}
