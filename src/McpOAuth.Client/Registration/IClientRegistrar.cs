namespace McpOAuth.Client;

/// <summary>Obtains a client id at an authorization server: pre-registered, a Client ID Metadata Document, or dynamic registration.</summary>
public interface IClientRegistrar
{
    /// <summary>Returns a client registration bound to the request's issuer, registering when needed.</summary>
    /// <param name="request">The authorization server, the redirect URI and the configured client settings.</param>
    /// <param name="cancellationToken">Cancels registration.</param>
    /// <returns>A registration whose <see cref="ClientRegistration.Issuer"/> is the request's issuer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="McpOAuthException">No registration option is available
    /// (<see cref="McpOAuthErrorCode.ClientRegistrationRequired"/>), or registration failed.</exception>
    Task<ClientRegistration> GetRegistrationAsync(ClientRegistrationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Forgets a registration the authorization server no longer accepts, so the next call registers again.</summary>
    /// <param name="registration">The stale registration.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the registration is forgotten.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="registration"/> is <see langword="null"/>.</exception>
    ValueTask ForgetAsync(ClientRegistration registration, CancellationToken cancellationToken = default);
}
