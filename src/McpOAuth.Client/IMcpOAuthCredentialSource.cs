namespace McpOAuth.Client;

/// <summary>Supplies what <see cref="McpOAuthHandler"/> attaches to each request and answers the MCP server's challenges: the
/// handler-facing plumbing of <see cref="IMcpOAuthProvider"/>.</summary>
/// <remarks>Implement it to put another token source behind the handler (a test double, a token broker). Implementations must be
/// thread-safe; concurrent callers share one sign-in or refresh per resource. Applications use <see cref="IMcpOAuthProvider"/>.</remarks>
public interface IMcpOAuthCredentialSource
{
    /// <summary>Gets the most authorizations (a 401 sign-in plus step-ups) that one request may trigger.</summary>
    /// <value>1 to 10; <see cref="McpOAuthOptions.MaxAuthorizationAttempts"/> for the library's provider.</value>
    int MaxAuthorizationAttempts { get; }

    /// <summary>Returns what to attach to one request: the token and, for a DPoP-bound token, a fresh proof for this method and URL.</summary>
    /// <param name="method">The request's HTTP method.</param>
    /// <param name="requestUri">The URL the request goes to; a credential is returned only for the resource it was issued for.</param>
    /// <param name="cancellationToken">Cancels a refresh, if one is needed.</param>
    /// <returns>The credential, or <see langword="null"/> when no token is held for that resource.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <remarks>For a cached bearer token this completes synchronously, without I/O or locks, and returns the same instance each time.</remarks>
    ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default);

    /// <summary>Handles a 401 or 403 challenge (discovers, registers and signs in, refreshes, or steps up, as needed) and returns
    /// the credential to resend the request with.</summary>
    /// <param name="challenge">The challenge the MCP server answered with.</param>
    /// <param name="cancellationToken">Stops waiting; a sign-in in progress goes on for the next caller.</param>
    /// <returns>The credential for the challenged request's method and URL.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="challenge"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">Discovery, registration, authorization or the token request failed, or the challenge
    /// cannot be satisfied (<see cref="McpOAuthErrorCode.InsufficientScope"/>, <see cref="McpOAuthErrorCode.AuthorizationLoop"/>).</exception>
    /// <remarks>The library's provider answers one server's challenges one at a time. Callers that were waiting while a sign-in
    /// failed get that sign-in's error instead of starting another; after the user declines (<c>access_denied</c>), challenges
    /// for that server fail with the same denial for a minute, without a browser page, unless the application calls
    /// <see cref="IMcpOAuthProvider.SignInAsync"/>.</remarks>
    Task<McpOAuthCredential> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default);

    /// <summary>Remembers a <c>DPoP-Nonce</c> that a resource server sent on any response (RFC 9449 §9, §8.2), so the next proof
    /// for that origin carries it without a challenge first.</summary>
    /// <param name="requestUri">The URL of the request the response answered.</param>
    /// <param name="nonce">The nonce.</param>
    /// <exception cref="ArgumentNullException"><paramref name="requestUri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="nonce"/> is empty.</exception>
    void RememberDpopNonce(Uri requestUri, string nonce);
}
