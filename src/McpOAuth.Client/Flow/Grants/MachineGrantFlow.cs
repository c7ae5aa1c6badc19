using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Grants without a user: client credentials, the JWT bearer grant (workload identity) and enterprise-managed authorization
/// (ID-JAG). They follow the same lifecycle as a sign-in, and the session keeps how to obtain tokens again on expiry.
/// </summary>
internal sealed class MachineGrantFlow(
    McpOAuthOptions options,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time,
    ILogger logger)
{
    public async Task<TokenSet> RunAsync(GrantRequest request, McpOAuthGrantType grant, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Client.ClientId))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ClientRegistrationRequired,
                $"The {grant} grant needs a pre-registered client id (McpOAuthOptions.Client.ClientId).");
        }

        logger.AuthorizationStarted(request.Issuer, request.Resource);
        options.OnProgress?.Invoke(McpOAuthStage.Registering);
        ResolvedServer resolved = request.Server;
        ClientRegistration client = await registrations
            .GetAsync(request.Issuer, resolved.Server, resolved.AllowHttp, redirectUri: null, deviceAuthorization: false, cancellationToken)
            .ConfigureAwait(false);
        var context = new AuthorizationContext(request.Issuer, resolved.Server, client, options.ResourceParameterFor(request.Resource));
        bool useDpop = options.UseDpop || request.DemandsDpop;
        IReadOnlyList<string> scopes = request.Scopes.Requested;

        Task<TokenSet> AcquireAsync(CancellationToken ct) => AcquireOnceAsync(request.Session, grant, context, resolved.Endpoint, scopes, useDpop, AcquireAsync, ct);
        return await AcquireAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One token request: a rejected assertion or secret is not retried with another grant (workload identity rule).</summary>
    private async Task<TokenSet> AcquireOnceAsync(
        ServerSession session,
        McpOAuthGrantType grant,
        AuthorizationContext context,
        string endpoint,
        IReadOnlyList<string> scopes,
        bool useDpop,
        Func<CancellationToken, Task<TokenSet>> reacquire,
        CancellationToken cancellationToken)
    {
        // RFC 9449: one key per credential, and the nonce the authorization server handed out, kept across re-acquisitions.
        DpopSession? dpop = useDpop ? session.Current?.Dpop ?? DpopSession.Create(time) : null;
        TokenRequestContext request = context.TokenRequest(session.Resource, scopes, dpop, options.Client.ClientAssertionKey);
        var assertionContext = new AssertionContext { Issuer = context.Issuer, Resource = session.Resource, TokenEndpoint = request.TokenEndpoint };
        TokenSet tokens = grant switch
        {
            McpOAuthGrantType.ClientCredentials => await tokenEndpoint.ClientCredentialsAsync(request, cancellationToken).ConfigureAwait(false),
            McpOAuthGrantType.JwtBearer => await tokenEndpoint.JwtBearerAsync(
                request,
                await options.AssertionProvider!(assertionContext, cancellationToken).ConfigureAwait(false),
                grant.ToString(),
                cancellationToken).ConfigureAwait(false),
            _ => await tokenEndpoint.JwtBearerAsync(
                request,
                await ExchangeForIdJagAsync(assertionContext, cancellationToken).ConfigureAwait(false),
                grant.ToString(),
                cancellationToken).ConfigureAwait(false),
        };

        return await completion.CompleteAsync(session, tokens, dpop, context, endpoint, scopes, reacquire, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SEP-990: the ID token is exchanged at the enterprise identity provider for an ID-JAG whose audience is the MCP
    /// authorization server's issuer and whose resource is the MCP server.</summary>
    private async Task<string> ExchangeForIdJagAsync(AssertionContext assertionContext, CancellationToken cancellationToken)
    {
        EnterpriseManagedAuthorizationOptions managed = options.EnterpriseManaged;
        string idToken = await managed.IdTokenProvider!(assertionContext, cancellationToken).ConfigureAwait(false);
        var identityProviderClient = new ClientRegistration
        {
            ClientId = managed.ClientId!,
            ClientSecret = managed.ClientSecret,
            TokenEndpointAuthMethod = managed.ClientSecret is null ? OAuthWireNames.AuthMethodNone : OAuthWireNames.AuthMethodClientSecretBasic,
            Issuer = managed.TokenEndpoint!.GetLeftPart(UriPartial.Authority),
        };
        return await tokenEndpoint.ExchangeForIdJagAsync(
            managed.TokenEndpoint, new ClientAuthentication(identityProviderClient), idToken, assertionContext.Issuer, assertionContext.Resource, cancellationToken)
            .ConfigureAwait(false);
    }
}
