namespace McpOAuth.Client;

/// <summary>Settings for enterprise-managed authorization (ID-JAG): the identity provider that exchanges the user's ID token.</summary>
/// <remarks>The application owns the enterprise sign-in and supplies the ID token through <see cref="IdTokenProvider"/>. The
/// library exchanges it at <see cref="TokenEndpoint"/> (RFC 8693, <c>requested_token_type</c> ID-JAG, <c>audience</c> the MCP
/// authorization server's issuer, <c>resource</c> the MCP server) and presents the ID-JAG with the RFC 7523 JWT bearer grant,
/// authenticated as <see cref="McpOAuthOptions.Client"/>.</remarks>
public sealed class EnterpriseManagedAuthorizationOptions
{
    /// <summary>Gets or sets the identity provider's token endpoint.</summary>
    /// <value>The default is <see langword="null"/>; required for enterprise-managed authorization.</value>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the client id at the identity provider.</summary>
    /// <value>The default is <see langword="null"/>; required for enterprise-managed authorization.</value>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret at the identity provider, if the client is confidential there.</summary>
    /// <value>The default is <see langword="null"/>: the client id is sent in the request body.</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the source of the user's ID token from the enterprise sign-in.</summary>
    /// <value>The default is <see langword="null"/>; setting it selects enterprise-managed authorization under
    /// <see cref="McpOAuthGrantType.Automatic"/>.</value>
    public Func<AssertionContext, CancellationToken, ValueTask<string>>? IdTokenProvider { get; set; }
}
