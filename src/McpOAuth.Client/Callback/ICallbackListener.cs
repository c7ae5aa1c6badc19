namespace McpOAuth.Client;

/// <summary>A started listener for one authorization response; dispose it to stop listening.</summary>
public interface ICallbackListener : IAsyncDisposable
{
    /// <summary>Gets the redirect URI to send in the authorization request.</summary>
    Uri RedirectUri { get; }

    /// <summary>Waits for a valid authorization response.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The authorization code and the <c>iss</c> it came with, after <c>state</c> and <c>iss</c> were checked.</returns>
    /// <exception cref="McpOAuthAuthorizationException">The server returned an error, the <c>iss</c> check failed, or the wait timed out.</exception>
    Task<CallbackResult> WaitAsync(CancellationToken cancellationToken = default);
}
