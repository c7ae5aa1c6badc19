namespace McpOAuth.Client;

/// <summary>A started listener for one authorization response; dispose it to stop listening.</summary>
public interface ICallbackListener : IAsyncDisposable
{
    /// <summary>Gets the redirect URI to send in the authorization request.</summary>
    Uri RedirectUri { get; }

    /// <summary>Delivers an authorization response that the user copied from the browser's address bar (headless sign-in).</summary>
    /// <param name="redirectedUri">The full URL the browser was redirected to.</param>
    /// <returns><see langword="true"/> when it completed the sign-in (or ended it with the server's error); <see langword="false"/>
    /// when it is not a response to this sign-in (another URL, wrong <c>state</c>), and the listener keeps waiting.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="redirectedUri"/> is <see langword="null"/>.</exception>
    /// <remarks>It is validated exactly like a request to the redirect URI: same path, then <c>state</c>, then <c>iss</c>.</remarks>
    bool TryComplete(Uri redirectedUri);

    /// <summary>Waits for a valid authorization response.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The authorization code and the <c>iss</c> it came with, after <c>state</c> and <c>iss</c> were checked.</returns>
    /// <exception cref="McpOAuthAuthorizationException">The server returned an error, the <c>iss</c> check failed, or the wait timed out.</exception>
    Task<CallbackResult> WaitAsync(CancellationToken cancellationToken = default);
}
