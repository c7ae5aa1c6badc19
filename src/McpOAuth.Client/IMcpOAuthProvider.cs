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

    /// <summary>Handles a 401 or 403 challenge: discovers, registers and signs in (or steps up) as needed.</summary>
    /// <param name="challenge">The challenge the MCP server answered with.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>A new access token to retry the request with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="challenge"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">Discovery, registration, authorization or the token request failed, or the challenge
    /// cannot be satisfied (<see cref="McpOAuthErrorCode.InsufficientScope"/>).</exception>
    Task<string> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default);
}
