using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The orchestrator: keeps one session per protected resource, answers the hot path from memory, and runs discovery,
/// registration, authorization and token requests through the five seams when a server challenges.
/// </summary>
internal sealed partial class McpOAuthProvider : IMcpOAuthProvider, IDisposable
{
    private readonly McpOAuthOptions _options;
    private readonly IDiscoveryClient _discovery;
    private readonly IClientRegistrar _registrar;
    private readonly IPkceGenerator _pkce;
    private readonly ICallbackReceiver _callbacks;
    private readonly ITokenStore _store;
    private readonly TokenEndpointClient _tokens;
    private readonly Backchannel _backchannel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Concurrent callers for one server wait for the sign-in or refresh in progress, then find the renewed token (REF-01,
    // REF-13). Across processes, the store's per-credential lock serializes refreshes.
    private static readonly TimeSpan RenewalFailureMemory = TimeSpan.FromSeconds(5);
    // One sign-in or renewal at a time per MCP server origin: a user taking minutes in the browser for one server does not
    // hold up refreshes for another. Endpoints of one server (say /sse and /messages) share their origin's gate.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _sessionsLock = new();
    private ServerSession[] _sessions = [];
    private LastHit? _lastHit;
    private int _storeLoaded;
    private int _disposed;

    public McpOAuthProvider(
        McpOAuthOptions options,
        IDiscoveryClient discovery,
        IClientRegistrar registrar,
        IPkceGenerator pkce,
        ICallbackReceiver callbacks,
        ITokenStore store,
        TokenEndpointClient tokens,
        Backchannel backchannel,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _discovery = discovery;
        _registrar = registrar;
        _pkce = pkce;
        _callbacks = callbacks;
        _store = store;
        _tokens = tokens;
        _backchannel = backchannel;
        _time = time;
        _logger = logger;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _lifetime.Cancel();
            _lifetime.Dispose();
        }
    }

    public ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        TokenSet? tokens = Find(requestUri)?.Tokens;
        if (tokens is not null && tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew))
        {
            return new ValueTask<string?>(tokens.AccessToken);
        }

        return AccessTokenOfAsync(GetTokensSlowAsync(requestUri, cancellationToken));
    }

    public ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        ServerSession? session = Find(requestUri);
        TokenSet? tokens = session?.Tokens;
        if (tokens is not null && tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew))
        {
            return new ValueTask<McpOAuthCredential?>(CredentialFor(session!, tokens, method, requestUri));
        }

        return GetCredentialSlowAsync(method, requestUri, cancellationToken);
    }

    private async ValueTask<McpOAuthCredential?> GetCredentialSlowAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken)
    {
        TokenSet? tokens = await GetTokensSlowAsync(requestUri, cancellationToken).ConfigureAwait(false);
        ServerSession? session = tokens is null ? null : Find(requestUri);
        return session is null || tokens is null ? null : CredentialFor(session, tokens, method, requestUri);
    }

    public void RememberDpopNonce(Uri requestUri, string nonce)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        ServerSession? session = Find(requestUri);
        if (session?.Tokens is { DpopKey: not null } tokens)
        {
            session.DpopFor(tokens, _time)?.RememberNonce(requestUri, nonce, authorizationServer: false);
        }
    }

    /// <summary>A bearer credential is built once per token; a DPoP one needs a fresh proof per request (RFC 9449 §4.2).
    /// A stored DPoP key that cannot be read drops the tokens: the request goes without, and the server's 401 starts over.</summary>
    private McpOAuthCredential? CredentialFor(ServerSession session, TokenSet tokens, HttpMethod method, Uri requestUri)
    {
        if (tokens.DpopKey is null)
        {
            ServerSession.CachedCredential? cached = session.Credential;
            if (cached is not null && ReferenceEquals(cached.Tokens, tokens))
            {
                return cached.Credential;
            }

            var credential = new McpOAuthCredential(OAuthWireNames.Bearer, tokens.AccessToken);
            session.Credential = new ServerSession.CachedCredential(tokens, credential);
            return credential;
        }

        DpopSession? dpop = session.DpopFor(tokens, _time);
        if (dpop is null)
        {
            session.Tokens = null;
            Volatile.Write(ref _lastHit, null);
            return null;
        }

        return new McpOAuthCredential(OAuthWireNames.Dpop, tokens.AccessToken, dpop.CreateProof(method.Method, requestUri, tokens.AccessToken, authorizationServer: false));
    }

    private DpopSession ImportDpop(ServerSession session, TokenSet tokens) =>
        session.DpopFor(tokens, _time)
            ?? throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The stored DPoP key could not be read.");

    private static async ValueTask<string?> AccessTokenOfAsync(ValueTask<TokenSet?> pending) =>
        (await pending.ConfigureAwait(false))?.AccessToken;

    public async Task<string> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        EnsureServerAllowed(challenge.RequestUri);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.ChallengeReceived(UriPolicy.EndpointKey(challenge.RequestUri), challenge.StatusCode, SafeText.Escape(challenge.Error));
        }

        // The sign-in runs on the provider's lifetime, not the caller's: a caller that gives up (an SDK's probe timeout, a
        // cancelled request) must not abort a sign-in the user is in the middle of. The next caller waits for the gate and
        // finds the token this one obtained, instead of opening a second browser page.
        return await RunUnderGateAsync(
            GateFor(challenge.RequestUri),
            lifetime => HandleChallengeUnderGateAsync(challenge, lifetime),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> HandleChallengeUnderGateAsync(McpOAuthChallenge challenge, CancellationToken lifetime)
    {
        await EnsureStoreLoadedAsync(lifetime).ConfigureAwait(false);
        ServerSession? session = FindAny(challenge.RequestUri);
        TokenSet? current = session?.Tokens;

        // RFC 9449 §9: a resource server nonce is remembered and the request retried with a new proof; no new sign-in.
        if (challenge.Error == OAuthWireNames.UseDpopNonce && challenge.DpopNonce is { } nonce && current?.DpopKey is not null
            && string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal))
        {
            ImportDpop(session!, current).RememberNonce(challenge.RequestUri, nonce, authorizationServer: false);
            return current.AccessToken;
        }

        // Someone else signed in or renewed while this caller waited: use that token (REF-01, REF-13).
        if (current is not null
            && !string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal)
            && current.IsUsableAt(_time.GetUtcNow(), TimeSpan.Zero)
            && (challenge.StatusCode == 401 || IsSubset(challenge.Scopes, session!.RequestedScopes)))
        {
            return current.AccessToken;
        }

        if (challenge.StatusCode == 403)
        {
            return await StepUpAsync(session, challenge, lifetime).ConfigureAwait(false);
        }

        // RS-10: a token from a sign-in that is rejected at once will not be fixed by signing in again.
        if (challenge.RejectedTokenIsNew
            && !string.Equals(challenge.RejectedAccessToken, session?.RefreshedAccessToken, StringComparison.Ordinal))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.AuthorizationLoop,
                $"{UriPolicy.EndpointKey(challenge.RequestUri)} rejected an access token that was just issued for it.");
        }

        // AUTH-43: a rejected token with a refresh token is refreshed once before any interactive flow, unless the
        // rejected token came from a refresh already, or the resource now names another authorization server (AUTH-24).
        if (session is not null && current?.RefreshToken is not null
            && string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal)
            && !string.Equals(current.AccessToken, session.RefreshedAccessToken, StringComparison.Ordinal)
            && await IssuerStillServesAsync(challenge, current.Issuer, lifetime).ConfigureAwait(false))
        {
            TokenSet? refreshed = await TryRefreshAsync(session, current, lifetime).ConfigureAwait(false);
            if (refreshed is not null && !string.Equals(refreshed.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal))
            {
                return refreshed.AccessToken;
            }
        }

        IReadOnlyList<string>? scopes = challenge.Scopes.Count > 0 ? Union(session?.RequestedScopes ?? [], challenge.Scopes) : null;
        TokenSet tokens = await AuthorizeAsync(challenge, scopes, bypassCache: challenge.RejectedAccessToken is not null, lifetime)
            .ConfigureAwait(false);
        return tokens.AccessToken;
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
        AuthChallenge? bearer = WwwAuthenticateParser.Parse(probe.WwwAuthenticate)
            .Find(c => c.Scheme.Equals(OAuthWireNames.Bearer, StringComparison.OrdinalIgnoreCase));
        string? challengeScope = bearer?.Get(OAuthWireNames.Scope);
        string[] challenged = challengeScope is null ? [] : challengeScope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var challenge = new McpOAuthChallenge
        {
            RequestUri = serverUri,
            StatusCode = 401,
            ResourceMetadata = bearer?.Get(OAuthWireNames.ResourceMetadata),
            Scopes = challenged,
            Error = bearer?.Get(OAuthWireNames.Error),
        };

        IReadOnlyList<string>? requested = null;
        if (challenged.Length > 0 || scopes is { Count: > 0 })
        {
            requested = Union(challenged, scopes ?? []);
        }

        SemaphoreSlim gate = GateFor(serverUri);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureStoreLoadedAsync(cancellationToken).ConfigureAwait(false);
            return await AuthorizeAsync(challenge, requested, bypassCache: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> StepUpAsync(ServerSession? session, McpOAuthChallenge challenge, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> previous = session?.RequestedScopes ?? [];

        // AUTH-30, RS-12: a challenge that adds no scope cannot be satisfied by asking again.
        if (challenge.Scopes.Count == 0 || (session?.Tokens is not null && IsSubset(challenge.Scopes, previous)))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsufficientScope,
                $"The MCP server requires scopes that authorization did not grant ({SafeText.Escape(string.Join(' ', challenge.Scopes))}); stopping rather than asking again.")
            {
                Error = challenge.Error,
            };
        }

        // AUTH-29 (SEP-2350): previously requested scopes plus the challenged ones.
        List<string> union = Union(previous, challenge.Scopes);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.StepUpAuthorization(new Uri(UriPolicy.EndpointKey(challenge.RequestUri)), union.Count);
        }
        TokenSet tokens = await AuthorizeAsync(challenge, union, bypassCache: false, cancellationToken).ConfigureAwait(false);
        return tokens.AccessToken;
    }

    private async ValueTask<TokenSet?> GetTokensSlowAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (_options.ServerUri is not null && !IsAllowedServer(requestUri))
        {
            return null;
        }

        await EnsureStoreLoadedAsync(cancellationToken).ConfigureAwait(false);
        ServerSession? session = Find(requestUri);
        TokenSet? tokens = session?.Tokens;
        if (session is null || tokens is null)
        {
            return null;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (tokens.IsUsableAt(now, _options.RefreshSkew))
        {
            return tokens;
        }

        if (tokens.RefreshToken is null && session.Reacquire is null)
        {
            // Within the skew but not expired: still worth sending; expired: let the server's 401 start a sign-in.
            return tokens.IsUsableAt(now, TimeSpan.Zero) ? tokens : null;
        }

        // Like a sign-in, a refresh runs on the provider's lifetime: a caller cancelled after the server rotated the refresh
        // token must not keep the new one from being stored.
        return await RunUnderGateAsync(GateFor(session.ResourceUri), lifetime => RenewUnderGateAsync(session, lifetime), cancellationToken)
            .ConfigureAwait(false);
    }

    private SemaphoreSlim GateFor(Uri uri) => _gates.GetOrAdd(UriPolicy.Origin(uri), static _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// Waits for the gate on the caller's token, then runs the work on the provider's lifetime and releases the gate when the
    /// work ends, not when the caller stops waiting.
    /// </summary>
    private async Task<T> RunUnderGateAsync<T>(SemaphoreSlim gate, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<T> running;
        try
        {
            running = work(_lifetime.Token);
        }
        catch
        {
            gate.Release();
            throw;
        }

        _ = running.ContinueWith(
            static (task, state) =>
            {
                ((SemaphoreSlim)state!).Release();
                _ = task.Exception; // Observed: a caller that stopped waiting must not leave an unobserved fault behind.
            },
            gate,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenSet?> RenewUnderGateAsync(ServerSession session, CancellationToken lifetime)
    {
        // Look again: the caller ahead of us may already have renewed.
        TokenSet? tokens = session.Tokens;
        if (tokens is null)
        {
            return null;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (tokens.IsUsableAt(now, _options.RefreshSkew))
        {
            return tokens;
        }

        // A renewal that failed moments ago is not repeated by every waiter; a still-valid token is used meanwhile.
        if (session.LastRenewalFailure is { } failure && now - failure.At < RenewalFailureMemory)
        {
            if (tokens.IsUsableAt(now, TimeSpan.Zero))
            {
                return tokens;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure.Error);
        }

        try
        {
            TokenSet? renewed = tokens.RefreshToken is not null
                ? await TryRefreshAsync(session, tokens, lifetime).ConfigureAwait(false)
                : await session.Reacquire!(lifetime).ConfigureAwait(false); // A machine grant: again, without a user.
            session.LastRenewalFailure = null;
            return renewed;
        }
        catch (McpOAuthException ex)
        {
            session.LastRenewalFailure = (_time.GetUtcNow(), ex);

            // A transient failure inside the refresh skew: the access token still works, so the request goes on with it.
            if (tokens.IsUsableAt(_time.GetUtcNow(), TimeSpan.Zero))
            {
                return tokens;
            }

            throw;
        }
    }

    /// <summary>
    /// Refreshes one credential under the store's lock (REF-04): re-reads the store first and adopts tokens another process
    /// renewed; on <c>invalid_grant</c> re-reads again and drops the tokens only if they are still the ones that failed
    /// (REF-05, REF-06); transient failures keep everything (REF-07) and surface.
    /// </summary>
    private async Task<TokenSet?> TryRefreshAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        TokenStoreKey key = tokens.Key;
        IAsyncDisposable storeLock = await _store.LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using (storeLock.ConfigureAwait(false))
        {
            TokenSet? stored = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (stored is not null && !string.Equals(stored.AccessToken, tokens.AccessToken, StringComparison.Ordinal)
                && stored.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew))
            {
                Adopt(session, stored);
                return stored;
            }

            TokenSet current = stored?.RefreshToken is not null ? stored : tokens;
            AuthorizationContext? context = await EnsureContextAsync(session, current, cancellationToken).ConfigureAwait(false);
            if (context is null || current.RefreshToken is null)
            {
                return null;
            }

            DpopSession? dpop = current.DpopKey is null ? null : ImportDpop(session, current);
            var request = new TokenRequestContext(
                new Uri(context.Server.TokenEndpoint!),
                new ClientAuthentication(context.Client, _options.Client.ClientAssertionKey),
                context.ResourceParameter,
                session.Resource,
                current.Scopes.Count > 0 ? current.Scopes : session.RequestedScopes,
                dpop);
            _options.OnProgress?.Invoke(McpOAuthStage.Refreshing);
            try
            {
                TokenSet refreshed = await _tokens.RefreshAsync(request, current.RefreshToken, cancellationToken).ConfigureAwait(false);
                session.RefreshedAccessToken = refreshed.AccessToken;
                await SaveAsync(session, refreshed, cancellationToken).ConfigureAwait(false);
                return refreshed;
            }
            catch (McpOAuthException ex) when (ex.Code is McpOAuthErrorCode.InvalidGrant or McpOAuthErrorCode.InvalidClient)
            {
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    _logger.RefreshFailed(SafeText.Escape(ex.Error ?? ex.Code.ToString()));
                }
                TokenSet? again = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
                if (again?.RefreshToken is not null && !string.Equals(again.RefreshToken, current.RefreshToken, StringComparison.Ordinal))
                {
                    Adopt(session, again); // Another process rotated it meanwhile: theirs is the live one.
                    return again;
                }

                session.Tokens = null;
                await _store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
                if (ex.Code == McpOAuthErrorCode.InvalidClient)
                {
                    // The server forgot the client: drop the registration; the next sign-in registers again (REF-10).
                    await _registrar.ForgetAsync(context.Client, cancellationToken).ConfigureAwait(false);
                    session.Context = null;
                }

                return null;
            }
        }
    }

    /// <summary>Whether the resource's current metadata still lists the issuer; fetched afresh, since a rejected token may mean
    /// the server moved to another authorization server.</summary>
    private async Task<bool> IssuerStillServesAsync(McpOAuthChallenge challenge, string issuer, CancellationToken cancellationToken)
    {
        ProtectedResourceDocument? metadata = await _discovery.GetProtectedResourceMetadataAsync(
            new ProtectedResourceMetadataRequest
            {
                ServerUri = challenge.RequestUri,
                ResourceMetadataUri = challenge.ResourceMetadata,
                BypassCache = true,
                AllowHttpOnLoopback = AllowHttpFor(challenge.RequestUri),
            },
            cancellationToken).ConfigureAwait(false);

        // Without metadata (a 2025-03-26 server) the issuer is the server's origin.
        return metadata?.AuthorizationServers?.Contains(issuer, StringComparer.Ordinal)
            ?? string.Equals(issuer, UriPolicy.Origin(challenge.RequestUri), StringComparison.Ordinal);
    }

    /// <summary>The authorization server and client behind stored tokens, rediscovered after a restart when needed.</summary>
    private async Task<AuthorizationContext?> EnsureContextAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        if (session.Context is { } known && string.Equals(known.Issuer, tokens.Issuer, StringComparison.Ordinal)
            && string.Equals(known.Client.ClientId, tokens.ClientId, StringComparison.Ordinal))
        {
            return known;
        }

        ClientRegistration? client = tokens.Registration;
        if (client is null || client.Kind == ClientRegistrationKind.Preregistered)
        {
            // A configured client's secret is never stored: take it from the options when the ids agree.
            if (!string.Equals(_options.Client.ClientId, tokens.ClientId, StringComparison.Ordinal) && client is null)
            {
                return null;
            }

            client = new ClientRegistration
            {
                ClientId = tokens.ClientId,
                ClientSecret = string.Equals(_options.Client.ClientId, tokens.ClientId, StringComparison.Ordinal) ? _options.Client.ClientSecret : null,
                TokenEndpointAuthMethod = client?.TokenEndpointAuthMethod ?? _options.Client.TokenEndpointAuthMethod
                    ?? (_options.Client.ClientSecret is null ? OAuthWireNames.AuthMethodNone : OAuthWireNames.AuthMethodClientSecretBasic),
                Issuer = tokens.Issuer,
                RedirectUris = client?.RedirectUris ?? [],
                Kind = ClientRegistrationKind.Preregistered,
            };
        }

        // A confidential client whose secret or key is not configured in this run cannot refresh: keep the stored login
        // for a run that has it, rather than send an unauthenticated request whose invalid_client would delete it.
        if ((client.TokenEndpointAuthMethod is OAuthWireNames.AuthMethodClientSecretBasic or OAuthWireNames.AuthMethodClientSecretPost
                && client.ClientSecret is null)
            || (client.TokenEndpointAuthMethod == OAuthWireNames.AuthMethodPrivateKeyJwt && _options.Client.ClientAssertionKey is null))
        {
            return null;
        }

        // AUTH-24: secrets go only to the issuer that minted them, found again from that issuer's own metadata.
        bool allowHttp = AllowHttpFor(session.ResourceUri);
        AuthorizationServerDocument? server = await _discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = tokens.Issuer, AllowHttpOnLoopback = allowHttp },
            cancellationToken).ConfigureAwait(false);
        if (server is null && _options.AllowLegacyDiscovery)
        {
            server = await _discovery.GetAuthorizationServerMetadataAsync(
                new AuthorizationServerMetadataRequest { Issuer = tokens.Issuer, Legacy = true, AllowHttpOnLoopback = allowHttp },
                cancellationToken).ConfigureAwait(false) ?? LegacyDefaults(tokens.Issuer);
        }

        if (server is null)
        {
            return null;
        }

        var context = new AuthorizationContext(tokens.Issuer, server, client, _options.SendResourceParameter ? session.Resource : null);
        session.Context = context;
        return context;
    }

    public async Task<SignOutResult> SignOutAsync(Uri? serverUri, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TokenSet> stored = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        var removed = new List<TokenStoreKey>();
        var revoked = new List<TokenStoreKey>();
        var unsupported = new List<TokenStoreKey>();
        var failures = new Dictionary<TokenStoreKey, string>();
        foreach (TokenSet tokens in stored)
        {
            if (serverUri is not null && !UriPolicy.ResourceIdentifiesServer(tokens.Resource, serverUri))
            {
                continue;
            }

            TokenStoreKey key = tokens.Key;
            string? failure = null;
            if (!UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri))
            {
                continue; // Not a credential this provider can have written.
            }

            // Each credential under its server's gate, so no refresh of it is in flight while it is revoked and deleted.
            SemaphoreSlim gate = GateFor(resourceUri);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ServerSession session = GetOrAddSession(tokens.Resource, resourceUri);
                AuthorizationContext? context = await EnsureContextAsync(session, tokens, cancellationToken).ConfigureAwait(false);
                if (context?.Server.RevocationEndpoint is not { } endpoint)
                {
                    unsupported.Add(key);
                }
                else
                {
                    var revocationUri = new Uri(endpoint);
                    if (tokens.RefreshToken is not null)
                    {
                        failure = await _tokens.RevokeAsync(revocationUri, new ClientAuthentication(context.Client), tokens.RefreshToken, OAuthWireNames.RefreshToken, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    failure ??= await _tokens.RevokeAsync(revocationUri, new ClientAuthentication(context.Client), tokens.AccessToken, OAuthWireNames.AccessToken, cancellationToken)
                        .ConfigureAwait(false);
                    if (failure is null)
                    {
                        revoked.Add(key);
                    }
                }
            }
            catch (McpOAuthException ex)
            {
                failure = $"{ex.Code}: {ex.Message}";
            }
            finally
            {
                // The local credential goes whatever the server said (a transient failure is reported, not retried).
                await _store.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
                removed.Add(key);
                foreach (ServerSession session in Volatile.Read(ref _sessions))
                {
                    if (session.Tokens?.Key == key)
                    {
                        session.Tokens = null;
                    }
                }

                gate.Release();
            }

            if (failure is not null)
            {
                failures[key] = failure;
            }
        }

        Volatile.Write(ref _lastHit, null);
        return new SignOutResult { Removed = removed, Revoked = revoked, RevocationFailures = failures, RevocationUnsupported = unsupported };
    }

    private void Adopt(ServerSession session, TokenSet tokens)
    {
        session.Tokens = tokens;
        Volatile.Write(ref _lastHit, null);
    }

    private async Task SaveAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        Adopt(session, tokens);
        await _store.SetAsync(tokens.Key, tokens, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EnsureStoreLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _storeLoaded) != 0)
        {
            return;
        }

        IReadOnlyList<TokenSet> stored = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (TokenSet tokens in stored)
        {
            if (UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri)
                && (_options.ServerUri is null || UriPolicy.ResourceIdentifiesServer(resourceUri, _options.ServerUri)))
            {
                ServerSession session = GetOrAddSession(tokens.Resource, resourceUri);
                if (session.Tokens is null || tokens.ObtainedAt > session.Tokens.ObtainedAt)
                {
                    session.Tokens = tokens;
                    session.RequestedScopes = tokens.Scopes;
                }
            }
        }

        Volatile.Write(ref _lastHit, null);
        Volatile.Write(ref _storeLoaded, 1);
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

    private bool AllowHttpFor(Uri serverUri) =>
        _options.AllowHttpOnLoopback || (serverUri.Scheme == Uri.UriSchemeHttp && serverUri.IsLoopback);

    /// <summary>The session with tokens whose resource identifies the URL, the most specific first; no allocation on a repeated URL.</summary>
    private ServerSession? Find(Uri requestUri)
    {
        LastHit? hit = Volatile.Read(ref _lastHit);
        if (hit is not null && (ReferenceEquals(hit.Uri, requestUri) || string.Equals(hit.Uri.OriginalString, requestUri.OriginalString, StringComparison.Ordinal)))
        {
            return hit.Session; // The same URL text (a new Uri per request): no parsing, no allocation.
        }

        ServerSession? best = FindCore(requestUri, requireTokens: true);
        if (best is not null)
        {
            Volatile.Write(ref _lastHit, new LastHit(requestUri, best));
        }

        return best;
    }

    /// <summary>The most specific session for the URL, with or without tokens.</summary>
    private ServerSession? FindAny(Uri requestUri) => FindCore(requestUri, requireTokens: true) ?? FindCore(requestUri, requireTokens: false);

    private ServerSession? FindCore(Uri requestUri, bool requireTokens)
    {
        ServerSession? best = null;
        foreach (ServerSession session in Volatile.Read(ref _sessions))
        {
            if ((!requireTokens || session.Tokens is not null)
                && UriPolicy.ResourceIdentifiesServer(session.ResourceUri, requestUri)
                && (best is null || session.Resource.Length > best.Resource.Length))
            {
                best = session;
            }
        }

        return best;
    }

    private ServerSession GetOrAddSession(string resource, Uri resourceUri)
    {
        lock (_sessionsLock)
        {
            foreach (ServerSession existing in _sessions)
            {
                if (string.Equals(existing.Resource, resource, StringComparison.Ordinal))
                {
                    return existing;
                }
            }

            var session = new ServerSession(resource, resourceUri);
            _sessions = [.. _sessions, session];
            Volatile.Write(ref _lastHit, null);
            return session;
        }
    }

    private static AuthorizationServerDocument LegacyDefaults(string issuer) => new()
    {
        Issuer = issuer,
        AuthorizationEndpoint = issuer + "/authorize",
        TokenEndpoint = issuer + "/token",
        RegistrationEndpoint = issuer + "/register",
    };

    private static List<string> Union(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var union = new List<string>(first);
        foreach (string scope in second)
        {
            if (!union.Contains(scope, StringComparer.Ordinal))
            {
                union.Add(scope);
            }
        }

        return union;
    }

    private static bool IsSubset(IReadOnlyList<string> scopes, IReadOnlyList<string> of)
    {
        foreach (string scope in scopes)
        {
            if (!of.Contains(scope, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string NewState()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    private sealed record LastHit(Uri Uri, ServerSession Session);
}
