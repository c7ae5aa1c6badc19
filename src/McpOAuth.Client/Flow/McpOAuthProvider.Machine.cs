namespace McpOAuth.Client.Internal;

/// <summary>Grants without a user: client credentials, the JWT bearer grant (workload identity), and enterprise-managed
/// authorization (ID-JAG). They follow the same token lifecycle: cached, single-flight, stored, and obtained again on expiry.</summary>
internal sealed partial class McpOAuthProvider
{
    private async Task<TokenSet> MachineAuthorizeAsync(
        ServerSession session,
        McpOAuthGrantType grant,
        string issuer,
        AuthorizationServerDocument server,
        IReadOnlyList<string> scopes,
        string resource,
        bool allowHttp,
        bool demandsDpop,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.Client.ClientId))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ClientRegistrationRequired,
                $"The {grant} grant needs a pre-registered client id (McpOAuthOptions.Client.ClientId).");
        }

        _logger.AuthorizationStarted(issuer, resource);
        _options.OnProgress?.Invoke(McpOAuthStage.Registering);
        ClientRegistration client = await _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest
            {
                Issuer = issuer,
                AuthorizationServer = server,
                Options = _options.Client,
                AllowHttpOnLoopback = allowHttp,
            },
            cancellationToken).ConfigureAwait(false);
        if (_options.Client.ClientAssertionKey is not null && _options.Client.TokenEndpointAuthMethod is null)
        {
            client = client with { TokenEndpointAuthMethod = OAuthWireNames.AuthMethodPrivateKeyJwt };
        }

        string? resourceParameter = _options.SendResourceParameter ? resource : null;
        var tokenEndpoint = new Uri(server.TokenEndpoint!);
        session.Context = new AuthorizationContext(issuer, server, client, resourceParameter);
        session.RequestedScopes = scopes;
        bool useDpop = _options.UseDpop || demandsDpop;
        session.Reacquire = ct => AcquireMachineTokensAsync(session, grant, issuer, tokenEndpoint, client, scopes, resource, resourceParameter, useDpop, ct);
        return await session.Reacquire(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenSet> AcquireMachineTokensAsync(
        ServerSession session,
        McpOAuthGrantType grant,
        string issuer,
        Uri tokenEndpoint,
        ClientRegistration client,
        IReadOnlyList<string> scopes,
        string resource,
        string? resourceParameter,
        bool useDpop,
        CancellationToken cancellationToken)
    {
        // RFC 9449: one key per credential, and the nonce the authorization server handed out, kept across re-acquisitions.
        DpopSession? dpop = useDpop ? session.Dpop ?? DpopSession.Create(_time) : null;
        var request = new TokenRequestContext(
            tokenEndpoint, new ClientAuthentication(client, _options.Client.ClientAssertionKey), resourceParameter, resource, scopes, dpop);
        var assertionContext = new AssertionContext { Issuer = issuer, Resource = resource, TokenEndpoint = tokenEndpoint };

        // One request: a rejected assertion or secret is not retried with another grant (workload identity rule).
        TokenSet tokens;
        switch (grant)
        {
            case McpOAuthGrantType.ClientCredentials:
                tokens = await _tokens.ClientCredentialsAsync(request, cancellationToken).ConfigureAwait(false);
                break;
            case McpOAuthGrantType.JwtBearer:
                string assertion = await _options.AssertionProvider!(assertionContext, cancellationToken).ConfigureAwait(false);
                tokens = await _tokens.JwtBearerAsync(request, assertion, grant.ToString(), cancellationToken).ConfigureAwait(false);
                break;
            default:
                EnterpriseManagedAuthorizationOptions managed = _options.EnterpriseManaged;
                string idToken = await managed.IdTokenProvider!(assertionContext, cancellationToken).ConfigureAwait(false);
                var identityProviderClient = new ClientRegistration
                {
                    ClientId = managed.ClientId!,
                    ClientSecret = managed.ClientSecret,
                    TokenEndpointAuthMethod = managed.ClientSecret is null ? OAuthWireNames.AuthMethodNone : OAuthWireNames.AuthMethodClientSecretBasic,
                    Issuer = managed.TokenEndpoint!.GetLeftPart(UriPartial.Authority),
                };

                // SEP-990: audience is the MCP authorization server's issuer; resource is the MCP server.
                string idJag = await _tokens.ExchangeForIdJagAsync(
                    managed.TokenEndpoint, new ClientAuthentication(identityProviderClient), idToken, issuer, resource, cancellationToken).ConfigureAwait(false);
                tokens = await _tokens.JwtBearerAsync(request, idJag, grant.ToString(), cancellationToken).ConfigureAwait(false);
                break;
        }

        await SaveAsync(session, tokens, cancellationToken).ConfigureAwait(false);
        session.SetDpop(tokens.DpopKey is not null ? dpop : null);

        _logger.AuthorizationCompleted(issuer);
        return tokens;
    }
}
