using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The authorization server and client behind tokens found in the store (after a restart, or written by another process), so
/// they can be refreshed or revoked. A configured client is rebuilt by the registrar (one choice of auth method, one issuer
/// binding); a secret goes only to the issuer that minted the tokens, found again from that issuer's own metadata (AUTH-24), and
/// never once it has expired (REG-06).
/// </summary>
internal sealed class StoredContextResolver(McpOAuthOptions options, ServerResolver servers, IClientRegistrar registrar, TimeProvider time, ILogger logger)
{
    private static readonly string[] SecretMethods = [OAuthWireNames.AuthMethodClientSecretBasic, OAuthWireNames.AuthMethodClientSecretPost];

    /// <summary>The session's context when it matches the tokens, else found again; null when this run cannot authenticate as the
    /// tokens' client (the login is then kept for a run that can), or when the client's secret has expired (REG-06: it is not sent,
    /// and the next sign-in registers again).</summary>
    public async Task<AuthorizationContext?> ResolveAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        if (session.Context is { } known && string.Equals(known.Issuer, tokens.Issuer, StringComparison.Ordinal)
            && string.Equals(known.Client.ClientId, tokens.ClientId, StringComparison.Ordinal))
        {
            return ClientRegistrations.IsExpired(known.Client, time, logger) ? null : known;
        }

        // What can be decided without the network is decided first: no metadata fetch for a login this run cannot refresh.
        ClientRegistration? client = KnownClientOf(tokens, out bool configured);
        if ((client is null && !configured) || (client is not null && (!CanAuthenticate(client) || ClientRegistrations.IsExpired(client, time, logger))))
        {
            return null;
        }

        AuthorizationServerDocument? server = await servers.FindIssuerAsync(tokens.Issuer, session.ResourceUri, cancellationToken).ConfigureAwait(false);
        if (server is null)
        {
            return null;
        }

        client ??= await ConfiguredClientAsync(tokens, server, servers.AllowHttpFor(session.ResourceUri), cancellationToken).ConfigureAwait(false);
        if (client is null || !CanAuthenticate(client))
        {
            return null;
        }

        var context = new AuthorizationContext(tokens.Issuer, server, client, options.ResourceParameterFor(session.Resource));
        session.Remember(context);
        return context;
    }

    /// <summary>The stored client when the server issued it (dynamic, metadata document) or when it is not the configured one;
    /// null with <paramref name="configured"/> set when the configured client must be rebuilt against the server's metadata.</summary>
    private ClientRegistration? KnownClientOf(TokenSet tokens, out bool configured)
    {
        ClientRegistration? stored = tokens.Registration;
        configured = false;
        if (stored is { Kind: not ClientRegistrationKind.Preregistered })
        {
            return stored; // Dynamic (with its stored secret) or a metadata document: the server issued it to us.
        }

        if (!string.Equals(options.Client.ClientId, tokens.ClientId, StringComparison.Ordinal))
        {
            // Another configured client, or none: a configured secret is never stored, so only a public client can go on.
            return stored is null ? null : stored with { ClientSecret = null };
        }

        configured = true;
        return null;
    }

    private async Task<ClientRegistration?> ConfiguredClientAsync(TokenSet tokens, AuthorizationServerDocument server, bool allowHttp, CancellationToken cancellationToken)
    {
        ClientRegistration? stored = tokens.Registration;
        ClientRegistration configured;
        try
        {
            configured = await registrar.GetRegistrationAsync(
                new ClientRegistrationRequest
                {
                    Issuer = tokens.Issuer,
                    AuthorizationServer = server,
                    RedirectUri = stored is { RedirectUris.Count: > 0 } && Uri.TryCreate(stored.RedirectUris[0], UriKind.Absolute, out Uri? redirect) ? redirect : null,
                    Options = options.Client,
                    AllowHttpOnLoopback = allowHttp,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.ClientRegistrationRequired)
        {
            return null; // The configured client is bound to another issuer: its credentials never go to this one.
        }

        // A login made as a confidential client stays for a run that can authenticate as one.
        bool storedConfidential = stored is not null && stored.TokenEndpointAuthMethod != OAuthWireNames.AuthMethodNone;
        return storedConfidential && configured.TokenEndpointAuthMethod == OAuthWireNames.AuthMethodNone ? null : configured;
    }

    /// <summary>A confidential client whose secret or key is not configured in this run cannot refresh: an unauthenticated
    /// request would be answered invalid_client, which deletes the login.</summary>
    private bool CanAuthenticate(ClientRegistration client) =>
        !(SecretMethods.Contains(client.TokenEndpointAuthMethod) && client.ClientSecret is null)
        && !(client.TokenEndpointAuthMethod == OAuthWireNames.AuthMethodPrivateKeyJwt
            && (client.Kind != ClientRegistrationKind.Preregistered || options.Client.ClientAssertionKey is null));
}
