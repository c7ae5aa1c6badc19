namespace McpOAuth.Client;

/// <summary>How the client identifies itself to authorization servers (AUTH-16..AUTH-25).</summary>
/// <remarks>The order of preference is the MCP one: a pre-registered client (<see cref="ClientId"/>), then a Client ID Metadata
/// Document (<see cref="ClientMetadataDocumentUri"/>) when the server supports it, then RFC 7591 dynamic registration.</remarks>
public sealed class ClientRegistrationOptions
{
    /// <summary>Gets or sets a pre-registered client id.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the secret of the pre-registered client, if it is confidential.</summary>
    /// <value>The default is <see langword="null"/> (a public client).</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the token endpoint authentication method of the pre-registered client.</summary>
    /// <value>The default is <see langword="null"/>: <c>none</c> without a secret; with one, <c>client_secret_basic</c> unless the
    /// server lists only <c>client_secret_post</c>.</value>
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>Gets or sets the private key the pre-registered client authenticates with (<c>private_key_jwt</c>, RFC 7523 §2.2).</summary>
    /// <value>The default is <see langword="null"/>. A P-256 <see cref="System.Security.Cryptography.ECDsa"/> key signs with ES256,
    /// an RSA key of 2048 bits or more with RS256.</value>
    /// <remarks>Each token request carries a new client assertion: <c>iss</c> and <c>sub</c> the client id, <c>aud</c> the
    /// authorization server's issuer, a 60-second <c>exp</c> and a unique <c>jti</c>. The key is never written to a token store.</remarks>
    public System.Security.Cryptography.AsymmetricAlgorithm? ClientAssertionKey { get; set; }

    /// <summary>Gets or sets the issuer of the authorization server the pre-registered client belongs to.</summary>
    /// <value>The default is <see langword="null"/>. Required when <see cref="ClientSecret"/>, <see cref="ClientAssertionKey"/> or
    /// <see cref="McpOAuthOptions.AssertionProvider"/> is set: validation refuses an unbound credential.</value>
    /// <remarks>The client id and its credentials are never sent to another issuer: not when an MCP server names another
    /// authorization server (a hostile server cannot collect the secret), not to refresh or revoke tokens another issuer
    /// minted, and a server that moved produces an error rather than a silent attempt (AUTH-24, T10). A public client id left
    /// unbound is offered to any issuer, but only sign-ins whose authorization response carries a matching RFC 9207 <c>iss</c>
    /// complete, which defeats the mix-up attack; set this for servers that do not send <c>iss</c>.</remarks>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the https URL of this client's Client ID Metadata Document.</summary>
    /// <value>The default is <see langword="null"/>. When set and the server advertises
    /// <c>client_id_metadata_document_supported</c>, the URL is the client id (AUTH-19, AUTH-20).</value>
    public Uri? ClientMetadataDocumentUri { get; set; }

    /// <summary>Gets or sets whether RFC 7591 dynamic client registration may be used.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AllowDynamicRegistration { get; set; } = true;

    /// <summary>Gets or sets the <c>client_name</c> sent in dynamic registration.</summary>
    /// <value>The default is <c>McpOAuth.Client</c>.</value>
    public string ClientName { get; set; } = "McpOAuth.Client";

    /// <summary>Gets or sets the <c>client_uri</c> sent in dynamic registration.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? ClientUri { get; set; }
}
