using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>The interactive authorization code grant with PKCE through a loopback redirect (AUTH-32..AUTH-38): listen, register
/// (or reuse the client registered for this issuer and port, once the server confirms it still knows it), open the browser, wait
/// for the checked callback, exchange the code.</summary>
internal sealed class AuthorizationCodeFlow(
    McpOAuthOptions options,
    IPkceGenerator pkceGenerator,
    ICallbackReceiver callbacks,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time,
    ILogger logger)
{
    public async Task<TokenSet> RunAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        AuthorizationServerDocument server = resolved.Server;

        // AUTH-13, AUTH-33: PKCE S256 advertised unless the caller opted out, and the code response type.
        if (ServerSuitability.CodeFlowProblem(options, request.Issuer, server, resolved.DefaultEndpoints) is { } problem)
        {
            throw problem;
        }

        string state = AuthorizationRequest.NewState();
        PkcePair pkce = pkceGenerator.Generate();
        ServerSession session = request.Session;
        ClientRegistration? known = request.ReuseKnownClient ? registrations.KnownDynamicClient(session, request.Issuer) : null;
        ICallbackListener listener = await callbacks.ListenAsync(
            new CallbackListenRequest
            {
                State = state,
                ExpectedIssuer = request.Issuer,
                IssuerParameterRequired = IssuerParameter.Required(options, server),
                IssuerRequiredBecause = IssuerParameter.RequiredBecause(server),
                Port = options.CallbackPort ?? session.LastRedirectPort ?? RegisteredPort(known) ?? 0,
                AllowPortFallback = options.CallbackPort is null,
                Path = options.CallbackPath,
                Timeout = options.AuthorizationTimeout,
            },
            cancellationToken).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            session.LastRedirectPort = listener.RedirectUri.Port;
            ClientRegistration client = await ClientForAsync(known, request, listener.RedirectUri, cancellationToken).ConfigureAwait(false);
            var context = new AuthorizationContext(request.Issuer, server, client, options.ResourceParameterFor(request.Resource));
            CallbackResult result = await ResourceRejection.WhenRejectedAsync(
                context.ResourceParameter,
                () => AuthorizeInBrowserAsync(context, listener, state, pkce, request.Scopes.ParameterFor(client), cancellationToken)).ConfigureAwait(false);
            options.OnProgress?.Invoke(McpOAuthStage.ExchangingCode);

            // RFC 9449: a DPoP-bound token when asked for, or when the server's challenge demands one; one key per credential.
            DpopSession? dpop = options.UseDpop || request.DemandsDpop ? session.Current?.Dpop ?? DpopSession.Create(time) : null;
            TokenRequestContext tokenRequest = context.TokenRequest(request.Resource, request.Scopes.Requested, dpop, options.Client.ClientAssertionKey);
            TokenSet tokens;
            try
            {
                tokens = await ResourceRejection.WhenRejectedAsync(
                    context.ResourceParameter,
                    () => tokenEndpoint.ExchangeCodeAsync(tokenRequest, result.Code, pkce.Verifier, listener.RedirectUri, cancellationToken)).ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.InvalidClient)
            {
                await registrations.DropDeadClientAsync(session, client, cancellationToken).ConfigureAwait(false);
                throw client.Kind == ClientRegistrationKind.Dynamic && request.ReuseKnownClient ? new StaleRegistrationException(ex) : ex;
            }

            return await completion.CompleteAsync(session, tokens, dpop, context, request.Server.Endpoint, request.Scopes.Requested, reacquire: null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>A known dynamic client is reused when it registered this very redirect URI and the server still knows it; anything
    /// else goes to the registrar.</summary>
    private async Task<ClientRegistration> ClientForAsync(ClientRegistration? known, GrantRequest request, Uri redirectUri, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        if (known is not null && known.RedirectUris.Contains(redirectUri.OriginalString, StringComparer.Ordinal))
        {
            // Only a client read back from the store is asked about: one this process already used with the server is known to it
            // (and a server that restarted since is caught at the exchange, which registers once more).
            bool confirmed = request.Session.Context is { } context && context.Client == known;
            if (confirmed || !await IsForgottenAsync(known, resolved, redirectUri, cancellationToken).ConfigureAwait(false))
            {
                return known;
            }

            // REF-10: a server with an in-memory client table forgot us on restart. Found before the browser opens, where the user
            // would meet invalid_client on a page that may never redirect back (RFC 6749 §4.1.2.1).
            logger.ClientRegistrationStale(SafeText.Escape(request.Issuer), SafeText.Escape(known.ClientId));
            await registrations.DropDeadClientAsync(request.Session, known, cancellationToken).ConfigureAwait(false);
        }

        options.OnProgress?.Invoke(McpOAuthStage.Registering);
        return await registrations.GetAsync(
            resolved.Issuer, resolved.Server, resolved.AllowHttp, redirectUri, deviceAuthorization: false, request.Scopes.ForRegistration(), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Asks the token endpoint whether it still knows the client; an unreachable server is the exchange's problem, later.</summary>
    private async Task<bool> IsForgottenAsync(ClientRegistration known, ResolvedServer resolved, Uri redirectUri, CancellationToken cancellationToken)
    {
        try
        {
            var context = new AuthorizationContext(resolved.Issuer, resolved.Server, known, ResourceParameter: null);
            return await tokenEndpoint.IsClientForgottenAsync(context.TokenRequest(resolved.Resource, [], dpop: null, assertionKey: null), redirectUri, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (McpOAuthException ex) when (ex.Code is McpOAuthErrorCode.ServerUnreachable or McpOAuthErrorCode.Timeout)
        {
            return false;
        }
    }

    private async Task<CallbackResult> AuthorizeInBrowserAsync(
        AuthorizationContext context,
        ICallbackListener listener,
        string state,
        PkcePair pkce,
        IReadOnlyList<string> scopes,
        CancellationToken cancellationToken)
    {
        Uri authorizationUri = AuthorizationRequest.Build(
            context.Server.AuthorizationEndpoint!, context.Client, listener.RedirectUri, state, pkce, scopes, context.ResourceParameter,
            options.AdditionalAuthorizationParameters);
        options.OnProgress?.Invoke(McpOAuthStage.WaitingForBrowser);
        var launch = new BrowserLaunchContext
        {
            AuthorizationUri = authorizationUri,
            RedirectUri = listener.RedirectUri,
            Complete = listener.TryComplete,
        };
        Func<BrowserLaunchContext, CancellationToken, ValueTask> launcher = options.LaunchBrowser ?? SystemBrowserLauncher.LaunchAsync;
        await HookRunner.RunAsync(ct => launcher(launch, ct), options.AuthorizationTimeout, time, cancellationToken).ConfigureAwait(false);
        return await listener.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int? RegisteredPort(ClientRegistration? registration) =>
        registration is { RedirectUris.Count: > 0 } && Uri.TryCreate(registration.RedirectUris[0], UriKind.Absolute, out Uri? uri) && uri.IsLoopback
            ? uri.Port
            : null;
}
