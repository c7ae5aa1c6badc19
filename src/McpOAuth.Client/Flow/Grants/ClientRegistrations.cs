namespace McpOAuth.Client.Internal;

/// <summary>
/// The client a grant uses at a resolved authorization server, through the <see cref="IClientRegistrar"/> seam, and checked to
/// belong to that server's issuer (AUTH-24). The one place a registration request is built.
/// </summary>
internal sealed class ClientRegistrations(McpOAuthOptions options, IClientRegistrar registrar)
{
    /// <summary>The client for a grant: pre-registered, metadata document or dynamic, as the registrar decides.</summary>
    /// <param name="issuer">The authorization server's issuer.</param>
    /// <param name="server">Its metadata.</param>
    /// <param name="allowHttp">Whether http to loopback is allowed.</param>
    /// <param name="redirectUri">The loopback redirect URI of a code flow; null otherwise.</param>
    /// <param name="deviceAuthorization">Whether the device grant will be used.</param>
    /// <param name="cancellationToken">Cancels a registration.</param>
    public async Task<ClientRegistration> GetAsync(
        string issuer,
        AuthorizationServerDocument server,
        bool allowHttp,
        Uri? redirectUri,
        bool deviceAuthorization,
        CancellationToken cancellationToken)
    {
        ClientRegistration client = await registrar.GetRegistrationAsync(
            new ClientRegistrationRequest
            {
                Issuer = issuer,
                AuthorizationServer = server,
                RedirectUri = redirectUri,
                DeviceAuthorization = deviceAuthorization,
                Options = options.Client,
                AllowHttpOnLoopback = allowHttp,
            },
            cancellationToken).ConfigureAwait(false);
        if (!string.Equals(client.Issuer, issuer, StringComparison.Ordinal))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ClientRegistrationRequired,
                "The client registration belongs to another authorization server; it was not used (AUTH-24).");
        }

        return client;
    }

    /// <summary>The server no longer knows the client: the registrar drops it, so the next sign-in registers again.</summary>
    public ValueTask ForgetAsync(ClientRegistration client, CancellationToken cancellationToken) =>
        registrar.ForgetAsync(client, cancellationToken);

    /// <summary>How the client authenticates: the configured assertion key goes only with the configured client.</summary>
    public ClientAuthentication AuthenticationOf(ClientRegistration client) => ClientAuthentication.For(client, options.Client.ClientAssertionKey);

    /// <summary>A dynamically registered client of this issuer known from memory or the store, to reuse on the port it registered.</summary>
    public static ClientRegistration? KnownDynamicClient(ServerSession session, string issuer)
    {
        ClientRegistration? known = session.Context?.Client ?? session.Tokens?.Registration;
        return known is { Kind: ClientRegistrationKind.Dynamic } && string.Equals(known.Issuer, issuer, StringComparison.Ordinal)
            ? known
            : null;
    }
}
