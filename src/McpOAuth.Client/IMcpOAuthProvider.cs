namespace McpOAuth.Client;

/// <summary>Signs in to MCP servers and keeps their tokens: the application-facing API. What <see cref="McpOAuthHandler"/> needs
/// comes from <see cref="IMcpOAuthCredentialSource"/>, which it extends.</summary>
/// <remarks>Other MCP clients can depend on this interface directly. Implementations must be thread-safe; concurrent callers share
/// one sign-in or refresh per resource. Every member works in the current <see cref="McpOAuthPartition"/>: a hosted
/// application that acts for many users sees, signs in, lists and signs out only the current user's credentials.</remarks>
public interface IMcpOAuthProvider : IMcpOAuthCredentialSource
{
    /// <summary>Returns a usable access token for a request, without starting a sign-in.</summary>
    /// <param name="requestUri">The URL the request goes to; a token is returned only for the resource it was issued for.</param>
    /// <param name="cancellationToken">Cancels a refresh, if one is needed.</param>
    /// <returns>The access token, or <see langword="null"/> when none is held for that resource.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <remarks>When a cached token is usable this completes synchronously, without I/O or locks.</remarks>
    ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default);

    /// <summary>Signs in to an MCP server now, without waiting for a request to be challenged (what <c>mcp-oauth login</c> does).</summary>
    /// <param name="serverUri">The MCP server endpoint.</param>
    /// <param name="scopes">Scopes to request on top of what the server asks for; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The new tokens; they are also stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serverUri"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">Discovery, registration, authorization or the token request failed.</exception>
    /// <remarks>The server is first sent an unauthenticated request so that its challenge (and <c>resource_metadata</c>) drives
    /// discovery, as in a real connection. It always asks the user, even within the minute after a declined consent during
    /// which challenged requests fail at once with the same <see cref="McpOAuthErrorCode.AuthorizationDenied"/>.</remarks>
    Task<TokenSet> SignInAsync(Uri serverUri, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes and deletes the stored credentials of one MCP server, or of every server.</summary>
    /// <param name="serverUri">The MCP server endpoint; <see langword="null"/> for every stored credential.</param>
    /// <param name="cancellationToken">Cancels the remaining revocations; what was deleted stays deleted.</param>
    /// <returns>What was removed, and which revocations failed.</returns>
    /// <remarks>Refresh and access tokens are revoked at the authorization server's RFC 7009 <c>revocation_endpoint</c> when it
    /// has one (<c>unsupported_token_type</c> is tolerated). The local credential is deleted even when the server cannot be
    /// reached; the failure is reported in the result.</remarks>
    Task<SignOutResult> SignOutAsync(Uri? serverUri, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored logins, without their secrets (what <c>mcp-oauth status</c> shows).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>One entry per stored credential, by resource.</returns>
    /// <exception cref="McpOAuthException">The store cannot be read (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    Task<IReadOnlyList<McpOAuthLogin>> ListLoginsAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes a hosted sign-in from the URL its callback was sent to (<see cref="HostedSignInOptions"/>).</summary>
    /// <param name="redirectedUri">The full callback URL, with its query.</param>
    /// <param name="cancellationToken">Cancels the code exchange.</param>
    /// <returns>The login and where the browser goes next.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="redirectedUri"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthAuthorizationException">The callback matches no waiting sign-in of the current partition
    /// (<see cref="McpOAuthErrorCode.StateMismatch"/>: unknown, replayed, or started by another user), it expired, its
    /// <c>iss</c> is wrong, or the user or server refused.</exception>
    /// <exception cref="McpOAuthException">The code exchange failed.</exception>
    /// <remarks>Call it in the partition of the signed-in user; a sign-in is completed at most once.</remarks>
    Task<McpOAuthSignInResult> CompleteSignInAsync(Uri redirectedUri, CancellationToken cancellationToken = default);
}
