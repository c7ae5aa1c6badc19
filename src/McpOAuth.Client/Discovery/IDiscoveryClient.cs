namespace McpOAuth.Client;

/// <summary>Finds and validates the metadata that tells a client how to sign in to an MCP server.</summary>
public interface IDiscoveryClient
{
    /// <summary>Finds the MCP server's protected resource metadata (RFC 9728), from the challenge URL or the well-known URLs.</summary>
    /// <param name="request">The server and what its challenge said.</param>
    /// <param name="cancellationToken">Cancels discovery.</param>
    /// <returns>The validated document, or <see langword="null"/> when the server publishes none (a 2025-03-26 server).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">The document names another resource (<see cref="McpOAuthErrorCode.ResourceMismatch"/>),
    /// lists no authorization server, or a call failed.</exception>
    Task<ProtectedResourceDocument?> GetProtectedResourceMetadataAsync(
        ProtectedResourceMetadataRequest request,
        CancellationToken cancellationToken = default);

    /// <summary>Finds an authorization server's metadata (RFC 8414 or OpenID Connect Discovery) in the MCP order.</summary>
    /// <param name="request">The issuer and how to look it up.</param>
    /// <param name="cancellationToken">Cancels discovery.</param>
    /// <returns>The validated document, or <see langword="null"/> when no candidate URL served one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">The document names another issuer (<see cref="McpOAuthErrorCode.IssuerMismatch"/>), an
    /// endpoint is not secure, or a call failed.</exception>
    Task<AuthorizationServerDocument?> GetAuthorizationServerMetadataAsync(
        AuthorizationServerMetadataRequest request,
        CancellationToken cancellationToken = default);
}
