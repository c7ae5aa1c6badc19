namespace McpOAuth.Client.Internal;

/// <summary>
/// The authorization code grant for a hosted web application (issue 11): the sign-in starts in one request, which fails with
/// the authorization URL, and completes in the callback request, perhaps on another instance. What lies between (the PKCE
/// verifier, the client, the issuer, the user) is a <see cref="PendingAuthorization"/>, single-use and expiring, and only the
/// user who started it can complete it.
/// </summary>
internal sealed class WebSignInFlow(
    McpOAuthOptions options,
    IPkceGenerator pkceGenerator,
    IPendingAuthorizationStore pending,
    ClientRegistrations registrations,
    ServerResolver servers,
    SessionIndex sessions,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time)
{
    /// <summary>Records the sign-in and throws <see cref="McpOAuthSignInRequiredException"/> with the URL to send the browser to.</summary>
    public async Task<TokenSet> StartAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        // AUTH-13, AUTH-33: the same checks as the loopback code flow.
        if (ServerSuitability.CodeFlowProblem(options, request.Issuer, resolved.Server, resolved.DefaultEndpoints) is { } problem)
        {
            throw problem;
        }

        Uri redirectUri = options.Hosted.RedirectUri!;
        ClientRegistration client = await registrations
            .GetAsync(request.Issuer, resolved.Server, resolved.AllowHttp, redirectUri, deviceAuthorization: false, cancellationToken)
            .ConfigureAwait(false);
        string state = AuthorizationRequest.NewState();
        PkcePair pkce = pkceGenerator.Generate();
        DpopSession? dpop = options.UseDpop || request.DemandsDpop ? request.Session.Current?.Dpop ?? DpopSession.Create(time) : null;
        await pending.SaveAsync(
            state,
            new PendingAuthorization
            {
                Partition = request.Session.Partition,
                Issuer = request.Issuer,
                Resource = request.Resource,
                ResourceUri = resolved.ResourceUri,
                Endpoint = resolved.Endpoint,
                RedirectUri = redirectUri,
                CodeVerifier = pkce.Verifier,
                Client = client.Kind == ClientRegistrationKind.Preregistered ? client with { ClientSecret = null } : client,
                Scopes = request.Scopes.Requested,
                IssuerParameterRequired = IssuerParameter.Required(options, resolved.Server),
                DpopKey = dpop?.Key,
                ReturnUrl = options.Hosted.ReturnUrl?.Invoke(),
                ExpiresAt = time.GetUtcNow() + options.Hosted.PendingLifetime,
            },
            options.Hosted.PendingLifetime,
            cancellationToken).ConfigureAwait(false);

        Uri authorizationUri = AuthorizationRequest.Build(
            resolved.Server.AuthorizationEndpoint!,
            client,
            redirectUri,
            state,
            pkce,
            request.Scopes.ParameterFor(client),
            options.ResourceParameterFor(request.Resource),
            options.AdditionalAuthorizationParameters);
        throw new McpOAuthSignInRequiredException(authorizationUri, request.Resource);
    }

    /// <summary>Completes a sign-in from the URL the browser was redirected to, in the current partition.</summary>
    public async Task<McpOAuthSignInResult> CompleteAsync(Uri redirectedUri, CancellationToken cancellationToken)
    {
        AuthorizationResponse response = AuthorizationResponse.Parse(redirectedUri.Query.TrimStart('?'));
        if (response.HasRepeatedParameter || response.State is not { Length: > 0 } state)
        {
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.StateMismatch, "The callback has no state, or repeats a parameter; it was refused.");
        }

        // Single use: taken before anything else, so a replay (or a second tab) finds nothing.
        PendingAuthorization started = await pending.TakeAsync(state, cancellationToken).ConfigureAwait(false)
            ?? throw new McpOAuthAuthorizationException(McpOAuthErrorCode.StateMismatch, "No sign-in is waiting for this callback: it is unknown, already completed, or expired.");
        Check(started, response, redirectedUri);

        AuthorizationServerDocument server = await servers.FindIssuerAsync(started.Issuer, started.ResourceUri, cancellationToken).ConfigureAwait(false)
            ?? throw new McpOAuthException(McpOAuthErrorCode.DiscoveryFailed, $"The authorization server '{SafeText.Escape(started.Issuer)}' publishes no metadata.");
        ClientRegistration client = started.Client.Kind == ClientRegistrationKind.Preregistered
            ? await registrations.GetAsync(started.Issuer, server, servers.AllowHttpFor(started.ResourceUri), started.RedirectUri, deviceAuthorization: false, cancellationToken).ConfigureAwait(false)
            : started.Client;
        var context = new AuthorizationContext(started.Issuer, server, client, options.ResourceParameterFor(started.Resource));
        DpopSession? dpop = started.DpopKey is null ? null : DpopSession.Import(started.DpopKey, time);
        ServerSession session = sessions.GetOrAdd(started.Resource, started.ResourceUri);
        TokenRequestContext tokenRequest = context.TokenRequest(started.Resource, started.Scopes, dpop, options.Client.ClientAssertionKey);
        TokenSet tokens = await tokenEndpoint.ExchangeCodeAsync(tokenRequest, response.Code!, started.CodeVerifier, started.RedirectUri, cancellationToken)
            .ConfigureAwait(false);
        tokens = await completion.CompleteAsync(session, tokens, dpop, context, started.Endpoint ?? UriPolicy.CanonicalResource(started.ResourceUri), started.Scopes, reacquire: null, cancellationToken).ConfigureAwait(false);
        return new McpOAuthSignInResult { Login = McpOAuthLogin.From(tokens), ReturnUrl = started.ReturnUrl };
    }

    /// <summary>The checks of RFC 9207 §2.4 and of the hosted setting: the user, the expiry, the redirect, <c>iss</c>, the error.</summary>
    private void Check(PendingAuthorization started, AuthorizationResponse response, Uri redirectedUri)
    {
        // Login CSRF / session swap: a callback carrying another user's state completes nothing for this user.
        if (!string.Equals(started.Partition, McpOAuthPartition.Current, StringComparison.Ordinal))
        {
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.StateMismatch, "This sign-in was started by another user; it was refused.");
        }

        if (started.ExpiresAt <= time.GetUtcNow())
        {
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.Timeout, "The sign-in expired before its callback arrived.");
        }

        if (!string.Equals(redirectedUri.GetLeftPart(UriPartial.Path), started.RedirectUri.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.StateMismatch, "The callback did not arrive at the redirect URI of the sign-in.");
        }

        if (response.Issuer is null ? started.IssuerParameterRequired : !string.Equals(response.Issuer, started.Issuer, StringComparison.Ordinal))
        {
            throw new McpOAuthAuthorizationException(
                McpOAuthErrorCode.IssuerParameterMismatch,
                "The authorization response's 'iss' is missing or names another authorization server (RFC 9207); it may come from another server.");
        }

        if (response.CarriesTokens || (response.Error is null && string.IsNullOrEmpty(response.Code)))
        {
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.InvalidResponse, "The authorization response has no code, or carries tokens.");
        }

        if (response.Error is not null)
        {
            throw response.DeniedError();
        }
    }
}
