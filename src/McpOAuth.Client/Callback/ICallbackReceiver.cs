namespace McpOAuth.Client;

/// <summary>Receives the authorization response that the browser delivers to the redirect URI.</summary>
public interface ICallbackReceiver
{
    /// <summary>Starts listening for one authorization response.</summary>
    /// <param name="request">What the response must carry, and where to listen.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A listener whose <see cref="ICallbackListener.RedirectUri"/> goes into the authorization request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    Task<ICallbackListener> ListenAsync(CallbackListenRequest request, CancellationToken cancellationToken = default);
}
