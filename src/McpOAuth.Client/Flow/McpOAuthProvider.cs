using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The facade behind <see cref="IMcpOAuthProvider"/>: answers the hot path from memory (no I/O, no lock), and routes the rest
/// under the server's gate to the type whose job it is: renewal to <see cref="TokenRenewer"/>, a challenge to
/// <see cref="ChallengeTriage"/> and then <see cref="Authorizer"/>, sign-out to <see cref="SignOut"/>.
/// </summary>
internal sealed class McpOAuthProvider : IMcpOAuthProvider, IDisposable
{
    private readonly McpOAuthOptions _options;
    private readonly ITokenStore _store;
    private readonly SessionIndex _sessions;
    private readonly OriginGates _gates;
    private readonly ServerResolver _servers;
    private readonly TokenRenewer _renewer;
    private readonly Authorizer _authorizer;
    private readonly WebSignInFlow _webSignIn;
    private readonly GrantCompletion _completion;
    private readonly SignOut _signOut;
    private readonly SignInFailures _failures;
    private readonly Backchannel _backchannel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _loadedPartitions = new(StringComparer.Ordinal);

    public McpOAuthProvider(
        McpOAuthOptions options,
        ITokenStore store,
        SessionIndex sessions,
        OriginGates gates,
        ServerResolver servers,
        TokenRenewer renewer,
        Authorizer authorizer,
        WebSignInFlow webSignIn,
        SignOut signOut,
        SignInFailures failures,
        GrantCompletion completion,
        Backchannel backchannel,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _store = store;
        _sessions = sessions;
        _gates = gates;
        _servers = servers;
        _renewer = renewer;
        _authorizer = authorizer;
        _webSignIn = webSignIn;
        _completion = completion;
        _signOut = signOut;
        _failures = failures;
        _backchannel = backchannel;
        _time = time;
        _logger = logger;
    }

    public void Dispose() => _gates.Dispose();

    public int MaxAuthorizationAttempts => _options.MaxAuthorizationAttempts;

    public ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        TokenSet? tokens = _sessions.Find(requestUri)?.Tokens;
        return tokens is not null && tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew)
            ? new ValueTask<string?>(tokens.AccessToken)
            : AccessTokenOfAsync(requestUri, cancellationToken);
    }

    public ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        SessionCredential? current = _sessions.Find(requestUri)?.Current;
        return current is not null && current.Tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew)
            ? new ValueTask<McpOAuthCredential?>(current.CredentialFor(method, requestUri))
            : CredentialOfAsync(method, requestUri, cancellationToken);
    }

    public void RememberDpopNonce(Uri requestUri, string nonce)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        _sessions.Find(requestUri)?.Current?.Dpop?.RememberNonce(requestUri, nonce, authorizationServer: false);
    }

    public async Task<McpOAuthCredential> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        EnsureServerAllowed(challenge.RequestUri);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.ChallengeReceived(UriPolicy.EndpointKey(challenge.RequestUri), challenge.StatusCode, SafeText.Escape(challenge.Error));
        }

        long arrival = _failures.Arrive();
        TokenSet tokens = await _gates.RunAsync(challenge.RequestUri, lifetime => AnswerAsync(challenge, arrival, lifetime), cancellationToken)
            .ConfigureAwait(false);

        // The session that holds the answer; its credential carries the DPoP key when the tokens are bound to one.
        SessionCredential? current = _sessions.All.Select(s => s.Current).FirstOrDefault(c => ReferenceEquals(c?.Tokens, tokens));
        return current is not null
            ? current.CredentialFor(challenge.Method, challenge.RequestUri)
            : throw new McpOAuthException(
                McpOAuthErrorCode.AuthorizationLoop,
                $"No usable credential for {UriPolicy.EndpointKey(challenge.RequestUri)} after authorization.");
    }

    public async Task<TokenSet> SignInAsync(Uri serverUri, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        EnsureServerAllowed(serverUri);
        if (!UriPolicy.IsSecure(serverUri, allowHttpLoopback: true))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InsecureEndpoint, "The MCP server URL must be https (or http to a loopback host).");
        }

        // The server's own challenge drives discovery, as it would on a real request (AUTH-03, AUTH-04).
        BackchannelResponse probe = await _backchannel.ProbeAsync(serverUri, cancellationToken).ConfigureAwait(false);
        McpOAuthChallenge challenge = ChallengeReader.FromProbe(serverUri, probe);
        IReadOnlyList<string>? requested = challenge.Scopes.Count > 0 || scopes is { Count: > 0 }
            ? ScopeSelection.Union(challenge.Scopes, scopes ?? [])
            : null;
        TokenSet tokens = await _gates.RunOwnedAsync(
            serverUri,
            async ct =>
            {
                await EnsureStoreLoadedAsync(ct).ConfigureAwait(false);
                return await _failures.RunAsync(serverUri, arrival: null, () => _authorizer.AuthorizeAsync(challenge, requested, bypassCache: true, ct))
                    .ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        // An explicit sign-in is for later use: one that could not be stored is reported (the tokens still serve this provider).
        if (_sessions.All.FirstOrDefault(s => ReferenceEquals(s.Tokens, tokens))?.Unsaved is { } unsaved && ReferenceEquals(unsaved.Tokens, tokens))
        {
            throw new McpOAuthException(McpOAuthErrorCode.StoreUnavailable, "Signed in, but the login could not be stored: " + unsaved.Error.Message, unsaved.Error);
        }

        return tokens;
    }

    public Task<SignOutResult> SignOutAsync(Uri? serverUri, CancellationToken cancellationToken = default) =>
        _signOut.RunAsync(serverUri, cancellationToken);

    public async Task<McpOAuthSignInResult> CompleteSignInAsync(Uri redirectedUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectedUri);
        if (_options.Hosted.RedirectUri is null)
        {
            throw new InvalidOperationException("Hosted sign-in is not configured (McpOAuthOptions.Hosted.RedirectUri).");
        }

        await EnsureStoreLoadedAsync(cancellationToken).ConfigureAwait(false);
        return await _webSignIn.CompleteAsync(redirectedUri, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<McpOAuthLogin>> ListLoginsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TokenSet> stored = await _store.ListPartitionAsync(McpOAuthPartition.Current, cancellationToken).ConfigureAwait(false);
        return [.. stored.OrderBy(t => t.Resource, StringComparer.Ordinal).Select(McpOAuthLogin.From)];
    }

    private async Task<TokenSet> AnswerAsync(McpOAuthChallenge challenge, long arrival, CancellationToken lifetime)
    {
        // A 401 is when tokens another process or instance stored since are picked up (never by polling per request).
        await LoadStoreAsync(reload: true, lifetime).ConfigureAwait(false);
        ServerSession? session = _sessions.FindAny(challenge.RequestUri);
        if (session is not null)
        {
            await _completion.RetryUnsavedAsync(session, lifetime).ConfigureAwait(false);
        }

        ChallengeDecision decision = ChallengeTriage.Decide(challenge, session, _time.GetUtcNow());
        switch (decision.Action)
        {
            case ChallengeAction.RetryWithNonce:
                session!.Current!.Dpop!.RememberNonce(challenge.RequestUri, challenge.DpopNonce!, authorizationServer: false);
                return session.Current.Tokens;
            case ChallengeAction.UseCurrent:
                return session!.Tokens!;
            case ChallengeAction.RefreshThenAuthorize:
                TokenSet current = session!.Tokens!;

                // AUTH-24: not when the resource now names another authorization server.
                if (await _servers.IssuerStillServesAsync(challenge.RequestUri, challenge.ResourceMetadata, current.Issuer, lifetime).ConfigureAwait(false)
                    && await _renewer.RefreshAsync(session, current, lifetime).ConfigureAwait(false) is { } refreshed
                    && !string.Equals(refreshed.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal))
                {
                    return refreshed;
                }

                break;
        }

        if (decision.Scopes is not null && challenge.StatusCode == 403 && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.StepUpAuthorization(new Uri(UriPolicy.EndpointKey(challenge.RequestUri)), decision.Scopes.Count);
        }

        return await _failures.RunAsync(challenge.RequestUri, arrival, () => _authorizer.AuthorizeAsync(challenge, decision.Scopes, decision.BypassCache, lifetime))
            .ConfigureAwait(false);
    }

    private async ValueTask<string?> AccessTokenOfAsync(Uri requestUri, CancellationToken cancellationToken) =>
        (await RenewedCredentialAsync(requestUri, cancellationToken).ConfigureAwait(false))?.Tokens.AccessToken;

    private async ValueTask<McpOAuthCredential?> CredentialOfAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken) =>
        (await RenewedCredentialAsync(requestUri, cancellationToken).ConfigureAwait(false))?.CredentialFor(method, requestUri);

    /// <summary>The slow path: the store loaded, then the session's tokens as they are, or renewed under the gate.</summary>
    private async ValueTask<SessionCredential?> RenewedCredentialAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (_options.ServerUri is not null && !IsAllowedServer(requestUri))
        {
            return null;
        }

        await EnsureStoreLoadedAsync(cancellationToken).ConfigureAwait(false);
        ServerSession? session = _sessions.Find(requestUri);
        SessionCredential? current = session?.Current;
        if (session is null || current is null)
        {
            return null;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (current.Tokens.IsUsableAt(now, _options.RefreshSkew))
        {
            return current;
        }

        if (!TokenRenewer.CanRenew(session, current.Tokens))
        {
            // Within the skew but not expired: still worth sending; expired: let the server's 401 start a sign-in.
            return current.Tokens.IsUsableAt(now, TimeSpan.Zero) ? current : null;
        }

        TokenSet? renewed = await _gates.RunAsync(
            session.ResourceUri,
            async lifetime =>
            {
                await _completion.RetryUnsavedAsync(session, lifetime).ConfigureAwait(false);
                return await _renewer.RenewAsync(session, lifetime).ConfigureAwait(false);
            },
            cancellationToken)
            .ConfigureAwait(false);
        return renewed is null ? null : session.Current;
    }

    /// <summary>The current partition's stored tokens, read once: a shared store with many users is never read whole.</summary>
    private ValueTask EnsureStoreLoadedAsync(CancellationToken cancellationToken) => LoadStoreAsync(reload: false, cancellationToken);

    /// <summary>Reads the current partition's stored tokens and adopts those newer than what the sessions hold.</summary>
    private async ValueTask LoadStoreAsync(bool reload, CancellationToken cancellationToken)
    {
        string partition = McpOAuthPartition.Current;
        if (!reload && _loadedPartitions.ContainsKey(partition))
        {
            return;
        }

        IReadOnlyList<TokenSet> stored = await _store.ListPartitionAsync(partition, cancellationToken).ConfigureAwait(false);
        foreach (TokenSet tokens in stored)
        {
            if (UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri)
                && (_options.ServerUri is null || UriPolicy.ResourceIdentifiesServer(resourceUri, _options.ServerUri)))
            {
                ServerSession session = _sessions.GetOrAdd(tokens.Resource, resourceUri);
                if (session.Tokens is null || tokens.ObtainedAt > session.Tokens.ObtainedAt)
                {
                    session.Adopt(tokens, _time, withScopes: true);
                }
            }
        }

        _loadedPartitions[partition] = true;
    }

    private void EnsureServerAllowed(Uri requestUri)
    {
        if (_options.ServerUri is not null && !IsAllowedServer(requestUri))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ResourceMismatch,
                $"{UriPolicy.EndpointKey(requestUri)} is not the configured MCP server; no sign-in was started for it.");
        }
    }

    private bool IsAllowedServer(Uri requestUri) =>
        _options.ServerUri is { } server
        && string.Equals(UriPolicy.Origin(server), UriPolicy.Origin(requestUri), StringComparison.OrdinalIgnoreCase);
}
