namespace McpOAuth.Client.Internal;

/// <summary>The interactive authorization code grant with PKCE through a loopback redirect (AUTH-32..AUTH-38): listen, register
/// (or reuse the client registered for this issuer and port), open the browser, wait for the checked callback, exchange the code.</summary>
internal sealed class AuthorizationCodeFlow
{
    private readonly McpOAuthOptions _options;
    private readonly IPkceGenerator _pkce;
    private readonly ICallbackReceiver _callbacks;
    private readonly ClientRegistrations _registrations;
    private readonly TokenEndpointClient _tokens;
    private readonly GrantCompletion _completion;
    private readonly TimeProvider _time;

    public AuthorizationCodeFlow(
        McpOAuthOptions options,
        IPkceGenerator pkce,
        ICallbackReceiver callbacks,
        ClientRegistrations registrations,
        TokenEndpointClient tokens,
        GrantCompletion completion,
        TimeProvider time)
    {
        _options = options;
        _pkce = pkce;
        _callbacks = callbacks;
        _registrations = registrations;
        _tokens = tokens;
        _completion = completion;
        _time = time;
    }

    public async Task<TokenSet> RunAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        AuthorizationServerDocument server = resolved.Server;

        // AUTH-13, AUTH-33: PKCE S256 must be advertised unless the caller opted out for this server.
        if (!resolved.DefaultEndpoints && _options.RequirePkceMetadata
            && server.CodeChallengeMethodsSupported?.Contains(OAuthWireNames.S256, StringComparer.Ordinal) != true)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.PkceUnsupported,
                $"The authorization server '{SafeText.Escape(request.Issuer)}' does not advertise PKCE with S256 (code_challenge_methods_supported); authorization was not started. Set RequirePkceMetadata to false only if you know it supports S256.");
        }

        string state = AuthorizationRequest.NewState();
        PkcePair pkce = _pkce.Generate();
        ServerSession session = request.Session;
        ClientRegistration? known = request.ReuseKnownClient ? ClientRegistrations.KnownDynamicClient(session, request.Issuer) : null;
        ICallbackListener listener = await _callbacks.ListenAsync(
            new CallbackListenRequest
            {
                State = state,
                ExpectedIssuer = request.Issuer,
                IssuerParameterRequired = server.AuthorizationResponseIssParameterSupported == true,
                Port = _options.CallbackPort ?? session.LastRedirectPort ?? RegisteredPort(known) ?? 0,
                AllowPortFallback = _options.CallbackPort is null,
                Path = _options.CallbackPath,
                Timeout = _options.AuthorizationTimeout,
            },
            cancellationToken).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            session.LastRedirectPort = listener.RedirectUri.Port;
            ClientRegistration client = await ClientForAsync(known, resolved, listener.RedirectUri, cancellationToken).ConfigureAwait(false);
            var context = new AuthorizationContext(request.Issuer, server, client, _options.ResourceParameterFor(request.Resource));
            CallbackResult result = await AuthorizeInBrowserAsync(context, listener, state, pkce, request.Scopes.Parameter, cancellationToken)
                .ConfigureAwait(false);
            _options.OnProgress?.Invoke(McpOAuthStage.ExchangingCode);

            // RFC 9449: a DPoP-bound token when asked for, or when the server's challenge demands one; one key per credential.
            DpopSession? dpop = _options.UseDpop || request.DemandsDpop ? session.Current?.Dpop ?? DpopSession.Create(_time) : null;
            TokenRequestContext tokenRequest = context.TokenRequest(request.Resource, request.Scopes.Requested, dpop, _options.Client.ClientAssertionKey);
            TokenSet tokens;
            try
            {
                tokens = await _tokens.ExchangeCodeAsync(tokenRequest, result.Code, pkce.Verifier, listener.RedirectUri, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.InvalidClient)
            {
                await _registrations.ForgetAsync(client, cancellationToken).ConfigureAwait(false);
                session.ForgetContext();
                throw client.Kind == ClientRegistrationKind.Dynamic && request.ReuseKnownClient ? new StaleRegistrationException(ex) : ex;
            }

            return await _completion.CompleteAsync(session, tokens, dpop, context, request.Scopes.Requested, reacquire: null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>A known dynamic client is reused when it registered this very redirect URI; anything else goes to the registrar.</summary>
    private async Task<ClientRegistration> ClientForAsync(ClientRegistration? known, ResolvedServer resolved, Uri redirectUri, CancellationToken cancellationToken)
    {
        if (known is not null && known.RedirectUris.Contains(redirectUri.OriginalString, StringComparer.Ordinal))
        {
            return known;
        }

        _options.OnProgress?.Invoke(McpOAuthStage.Registering);
        return await _registrations.GetAsync(resolved.Issuer, resolved.Server, resolved.AllowHttp, redirectUri, deviceAuthorization: false, cancellationToken)
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
        _options.OnProgress?.Invoke(McpOAuthStage.WaitingForBrowser);
        var launch = new BrowserLaunchContext
        {
            AuthorizationUri = authorizationUri,
            RedirectUri = listener.RedirectUri,
            Complete = listener.TryComplete,
        };
        Func<BrowserLaunchContext, CancellationToken, ValueTask> launcher = _options.LaunchBrowser ?? SystemBrowserLauncher.LaunchAsync;
        await HookRunner.RunAsync(ct => launcher(launch, ct), _options.AuthorizationTimeout, _time, cancellationToken).ConfigureAwait(false);
        return await listener.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int? RegisteredPort(ClientRegistration? registration) =>
        registration is { RedirectUris.Count: > 0 } && Uri.TryCreate(registration.RedirectUris[0], UriKind.Absolute, out Uri? uri) && uri.IsLoopback
            ? uri.Port
            : null;
}
