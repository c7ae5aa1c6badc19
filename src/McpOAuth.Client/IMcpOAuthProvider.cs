namespace McpOAuth.Client;

/// <summary>Supplies access tokens for MCP servers and reacts to their challenges; what <see cref="McpOAuthHandler"/> depends on.</summary>
/// <remarks>Other MCP clients can depend on this interface directly. Implementations must be thread-safe; concurrent callers share
/// one sign-in or refresh per resource.</remarks>
public interface IMcpOAuthProvider
{
    /// <summary>Returns a usable access token for a request, without starting a sign-in.</summary>
    /// <param name="requestUri">The URL the request goes to; a token is returned only for the resource it was issued for.</param>
    /// <param name="cancellationToken">Cancels a refresh, if one is needed.</param>
    /// <returns>The access token, or <see langword="null"/> when none is held for that resource.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <remarks>When a cached token is usable this completes synchronously, without I/O or locks.</remarks>
    ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default);

    /// <summary>Returns what to attach to one request: the token and, for a DPoP-bound token, a fresh proof for this method and URL.</summary>
    /// <param name="method">The request's HTTP method.</param>
    /// <param name="requestUri">The URL the request goes to; a credential is returned only for the resource it was issued for.</param>
    /// <param name="cancellationToken">Cancels a refresh, if one is needed.</param>
    /// <returns>The credential, or <see langword="null"/> when no token is held for that resource.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <remarks>For a cached bearer token this completes synchronously and returns the same instance each time.</remarks>
    ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default);

    /// <summary>Remembers a <c>DPoP-Nonce</c> that a resource server sent on any response (RFC 9449 §9, §8.2), so the next proof
    /// for that origin carries it without a challenge first.</summary>
    /// <param name="requestUri">The URL of the request the response answered.</param>
    /// <param name="nonce">The nonce.</param>
    /// <exception cref="ArgumentNullException"><paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="nonce"/> is empty.</exception>
    void RememberDpopNonce(Uri requestUri, string nonce);

    /// <summary>Handles a 401 or 403 challenge: discovers, registers and signs in (or steps up) as needed.</summary>
    /// <param name="challenge">The challenge the MCP server answered with.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>A new access token to retry the request with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="challenge"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">Discovery, registration, authorization or the token request failed, or the challenge
    /// cannot be satisfied (<see cref="McpOAuthErrorCode.InsufficientScope"/>).</exception>
    Task<string> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default);

    /// <summary>Signs in to an MCP server now, without waiting for a request to be challenged (what <c>mcp-oauth login</c> does).</summary>
    /// <param name="serverUri">The MCP server endpoint.</param>
    /// <param name="scopes">Scopes to request on top of what the server asks for; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The new tokens; they are also stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serverUri"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">Discovery, registration, authorization or the token request failed.</exception>
    /// <remarks>The server is first sent an unauthenticated request so that its challenge (and <c>resource_metadata</c>) drives
    /// discovery, as in a real connection.</remarks>
    Task<TokenSet> SignInAsync(Uri serverUri, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes and deletes the stored credentials of one MCP server, or of every server.</summary>
    /// <param name="serverUri">The MCP server endpoint; <see langword="null"/> for every stored credential.</param>
    /// <param name="cancellationToken">Cancels the remaining revocations; what was deleted stays deleted.</param>
    /// <returns>What was removed, and which revocations failed.</returns>
    /// <remarks>Refresh and access tokens are revoked at the authorization server's RFC 7009 <c>revocation_endpoint</c> when it
    /// has one (<c>unsupported_token_type</c> is tolerated). The local credential is deleted even when the server cannot be
    /// reached; the failure is reported in the result.</remarks>
    Task<SignOutResult> SignOutAsync(Uri? serverUri, CancellationToken cancellationToken = default);
}
