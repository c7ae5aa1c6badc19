namespace McpOAuth.Client.Internal;

/// <summary>The interactive authorization code grant with PKCE through a loopback redirect (AUTH-32..AUTH-38): listen, register
/// (or reuse the client registered for this issuer and port), open the browser, wait for the checked callback, exchange the code.</summary>
internal sealed class AuthorizationCodeFlow(
    McpOAuthOptions options,
    IPkceGenerator pkceGenerator,
    ICallbackReceiver callbacks,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time)
{
    public async Task<TokenSet> RunAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        AuthorizationServerDocument server = resolved.Server;

        // AUTH-13, AUTH-33: PKCE S256 must be advertised unless the caller opted out for this server.
        if (!resolved.DefaultEndpoints && options.RequirePkceMetadata
            && server.CodeChallengeMethodsSupported?.Contains(OAuthWireNames.S256, StringComparer.Ordinal) != true)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.PkceUnsupported,
                $"The authorization server '{SafeText.Escape(request.Issuer)}' does not advertise PKCE with S256 (code_challenge_methods_supported); authorization was not started. Set RequirePkceMetadata to false only if you know it supports S256.");
        }

        string state = AuthorizationRequest.NewState();
        PkcePair pkce = pkceGenerator.Generate();
        ServerSession session = request.Session;
        ClientRegistration? known = request.ReuseKnownClient ? ClientRegistrations.KnownDynamicClient(session, request.Issuer) : null;
        ICallbackListener listener = await callbacks.ListenAsync(
            new CallbackListenRequest
            {
                State = state,
                ExpectedIssuer = request.Issuer,
                IssuerParameterRequired = server.AuthorizationResponseIssParameterSupported == true || UnboundClientId,
                IssuerRequiredBecause = server.AuthorizationResponseIssParameterSupported == true
                    ? "although the server advertises it"
                    : "and the configured client id is not bound to an issuer, so the response could come from another authorization server (a mix-up); set Client.Issuer (mcp-oauth: --issuer URL) to the server it belongs to",
                Port = options.CallbackPort ?? session.LastRedirectPort ?? RegisteredPort(known) ?? 0,
                AllowPortFallback = options.CallbackPort is null,
                Path = options.CallbackPath,
                Timeout = options.AuthorizationTimeout,
            },
            cancellationToken).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            session.LastRedirectPort = listener.RedirectUri.Port;
            ClientRegistration client = await ClientForAsync(known, resolved, listener.RedirectUri, cancellationToken).ConfigureAwait(false);
            var context = new AuthorizationContext(request.Issuer, server, client, options.ResourceParameterFor(request.Resource));
            CallbackResult result = await AuthorizeInBrowserAsync(context, listener, state, pkce, request.Scopes.Parameter, cancellationToken)
                .ConfigureAwait(false);
            options.OnProgress?.Invoke(McpOAuthStage.ExchangingCode);

            // RFC 9449: a DPoP-bound token when asked for, or when the server's challenge demands one; one key per credential.
            DpopSession? dpop = options.UseDpop || request.DemandsDpop ? session.Current?.Dpop ?? DpopSession.Create(time) : null;
            TokenRequestContext tokenRequest = context.TokenRequest(request.Resource, request.Scopes.Requested, dpop, options.Client.ClientAssertionKey);
            TokenSet tokens;
            try
            {
                tokens = await tokenEndpoint.ExchangeCodeAsync(tokenRequest, result.Code, pkce.Verifier, listener.RedirectUri, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.InvalidClient)
            {
                await registrations.ForgetAsync(client, cancellationToken).ConfigureAwait(false);
                session.ForgetContext();
                throw client.Kind == ClientRegistrationKind.Dynamic && request.ReuseKnownClient ? new StaleRegistrationException(ex) : ex;
            }

            return await completion.CompleteAsync(session, tokens, dpop, context, request.Scopes.Requested, reacquire: null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>A configured (public) client id without <see cref="ClientRegistrationOptions.Issuer"/>: offered to any issuer, so the
    /// response must prove with <c>iss</c> that it comes from the server the request went to (RFC 9207, RFC 9700 §4.4).</summary>
    private bool UnboundClientId => !string.IsNullOrEmpty(options.Client.ClientId) && options.Client.Issuer is null;

    /// <summary>A known dynamic client is reused when it registered this very redirect URI; anything else goes to the registrar.</summary>
    private async Task<ClientRegistration> ClientForAsync(ClientRegistration? known, ResolvedServer resolved, Uri redirectUri, CancellationToken cancellationToken)
    {
        if (known is not null && known.RedirectUris.Contains(redirectUri.OriginalString, StringComparer.Ordinal))
        {
            return known;
        }

        options.OnProgress?.Invoke(McpOAuthStage.Registering);
        return await registrations.GetAsync(resolved.Issuer, resolved.Server, resolved.AllowHttp, redirectUri, deviceAuthorization: false, cancellationToken)
            .ConfigureAwait(false);
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
            context.Server.AuthorizationEndpoint!, context.Client, listener.RedirectUri, state, pkce, scopes, context.ResourceParameter);
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
