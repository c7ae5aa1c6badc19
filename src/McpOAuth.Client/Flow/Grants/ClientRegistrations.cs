using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The client a grant uses at a resolved authorization server, through the <see cref="IClientRegistrar"/> seam, and checked to
/// belong to that server's issuer (AUTH-24). The one place a registration request is built, and the one place a client the
/// server no longer knows is dropped with everything issued to it, or whose secret has expired is registered again (REG-06).
/// </summary>
internal sealed class ClientRegistrations(McpOAuthOptions options, IClientRegistrar registrar, ITokenStore store, TimeProvider time, ILogger logger)
{
    /// <summary>The client for a machine grant, which never registers dynamically.</summary>
    public Task<ClientRegistration> GetAsync(
        string issuer,
        AuthorizationServerDocument server,
        bool allowHttp,
        Uri? redirectUri,
        bool deviceAuthorization,
        CancellationToken cancellationToken) =>
        GetAsync(issuer, server, allowHttp, redirectUri, deviceAuthorization, scopes: [], cancellationToken);

    /// <summary>The client for a grant: pre-registered, metadata document or dynamic, as the registrar decides.</summary>
    /// <param name="issuer">The authorization server's issuer.</param>
    /// <param name="server">Its metadata.</param>
    /// <param name="allowHttp">Whether http to loopback is allowed.</param>
    /// <param name="redirectUri">The loopback redirect URI of a code flow; null otherwise.</param>
    /// <param name="deviceAuthorization">Whether the device grant will be used.</param>
    /// <param name="scopes">The <c>scope</c> a dynamic registration asks for; empty for none.</param>
    /// <param name="cancellationToken">Cancels a registration.</param>
    public async Task<ClientRegistration> GetAsync(
        string issuer,
        AuthorizationServerDocument server,
        bool allowHttp,
        Uri? redirectUri,
        bool deviceAuthorization,
        IReadOnlyList<string> scopes,
        CancellationToken cancellationToken)
    {
        var request = new ClientRegistrationRequest
        {
            Issuer = issuer,
            AuthorizationServer = server,
            RedirectUri = redirectUri,
            DeviceAuthorization = deviceAuthorization,
            Scopes = scopes,
            Options = options.Client,
            AllowHttpOnLoopback = allowHttp,
        };
        ClientRegistration client = await registrar.GetRegistrationAsync(request, cancellationToken).ConfigureAwait(false);
        if (IsExpired(client))
        {
            // REG-06: a registrar's cached client whose secret expired is forgotten and registered again, once.
            await registrar.ForgetAsync(client, cancellationToken).ConfigureAwait(false);
            client = await registrar.GetRegistrationAsync(request, cancellationToken).ConfigureAwait(false);
            if (client.IsSecretExpiredAt(time.GetUtcNow()))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.RegistrationFailed,
                    $"The authorization server '{SafeText.Escape(issuer)}' registered a client whose secret has already expired (client_secret_expires_at); it was not used.");
            }
        }

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

    /// <summary>REF-10: the server answered <c>invalid_client</c> for a client: the registration goes, and so do the session's tokens
    /// issued to it (their refresh token died with the client), from memory and from the store, so a sign-in that fails from here
    /// on leaves no login that <c>status</c> or <c>token</c> would show as valid.</summary>
    public async Task DropDeadClientAsync(ServerSession session, ClientRegistration client, CancellationToken cancellationToken)
    {
        await registrar.ForgetAsync(client, cancellationToken).ConfigureAwait(false);
        session.ForgetContext();
        if (session.Tokens is { } tokens && string.Equals(tokens.ClientId, client.ClientId, StringComparison.Ordinal)
            && string.Equals(tokens.Issuer, client.Issuer, StringComparison.Ordinal))
        {
            session.Clear();
            await store.RemoveAsync(tokens.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How the client authenticates: the configured assertion key goes only with the configured client.</summary>
    public ClientAuthentication AuthenticationOf(ClientRegistration client) => ClientAuthentication.For(client, options.Client.ClientAssertionKey);

    /// <summary>A dynamically registered client of this issuer known from memory or the store, to reuse on the port it registered;
    /// never one whose secret has expired (REG-06).</summary>
    public ClientRegistration? KnownDynamicClient(ServerSession session, string issuer)
    {
        ClientRegistration? known = session.Context?.Client ?? session.Tokens?.Registration;
        return known is { Kind: ClientRegistrationKind.Dynamic } && string.Equals(known.Issuer, issuer, StringComparison.Ordinal)
            && !IsExpired(known)
            ? known
            : null;
    }

    /// <summary>REG-06: whether the client's secret has expired (RFC 7591 §3.2.1), said in the log once per check; the secret is
    /// then never sent again.</summary>
    public bool IsExpired(ClientRegistration client) => IsExpired(client, time, logger);

    /// <inheritdoc cref="IsExpired(ClientRegistration)"/>
    public static bool IsExpired(ClientRegistration client, TimeProvider time, ILogger logger)
    {
        if (!client.IsSecretExpiredAt(time.GetUtcNow()))
        {
            return false;
        }

        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.ClientSecretExpired(SafeText.Escape(client.Issuer), SafeText.Escape(client.ClientId));
        }

        return true;
    }
}
