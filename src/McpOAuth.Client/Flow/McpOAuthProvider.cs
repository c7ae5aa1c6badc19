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
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // One sign-in or refresh at a time: concurrent callers wait, then find the renewed token (REF-01, REF-13).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _sessionsLock = new();
    private ServerSession[] _sessions = [];
    private LastHit? _lastHit;
    private int _storeLoaded;

    public McpOAuthProvider(
        McpOAuthOptions options,
        IDiscoveryClient discovery,
        IClientRegistrar registrar,
        IPkceGenerator pkce,
        ICallbackReceiver callbacks,
        ITokenStore store,
        TokenEndpointClient tokens,
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
        _time = time;
        _logger = logger;
    }

    public void Dispose() => _gate.Dispose();

    public ValueTask<string?> GetAccessTokenAsync(Uri requestUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        ServerSession? session = Find(requestUri);
        TokenSet? tokens = session?.Tokens;
        if (tokens is not null && tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew))
        {
            return new ValueTask<string?>(tokens.AccessToken);
        }

        return GetAccessTokenSlowAsync(requestUri, cancellationToken);
    }

    public async Task<string> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        EnsureServerAllowed(challenge.RequestUri);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ServerSession? session = Find(challenge.RequestUri);
            TokenSet? current = session?.Tokens;

            // Someone else renewed while this caller waited: use that token.
            if (current is not null && challenge.RejectedAccessToken is not null
                && !string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal)
                && current.IsUsableAt(_time.GetUtcNow(), TimeSpan.Zero)
                && (challenge.StatusCode == 401 || IsSubset(challenge.Scopes, session!.RequestedScopes)))
            {
                return current.AccessToken;
            }

            if (challenge.StatusCode == 403)
            {
                return await StepUpAsync(session, challenge, cancellationToken).ConfigureAwait(false);
            }

            // AUTH-43: a rejected token with a refresh token is refreshed once before any interactive flow.
            if (session is not null && current is not null && current.RefreshToken is not null && session.Context is not null
                && string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal))
            {
                TokenSet? refreshed = await TryRefreshAsync(session, current, cancellationToken).ConfigureAwait(false);
                if (refreshed is not null)
                {
                    return refreshed.AccessToken;
                }
            }

            IReadOnlyList<string>? scopes = challenge.Scopes.Count > 0 ? challenge.Scopes : null;
            return await AuthorizeAsync(challenge, scopes, bypassCache: challenge.RejectedAccessToken is not null, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
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
        var union = new List<string>(previous);
        foreach (string scope in challenge.Scopes)
        {
            if (!union.Contains(scope, StringComparer.Ordinal))
            {
                union.Add(scope);
            }
        }

        _logger.StepUpAuthorization(challenge.RequestUri, union.Count);
        return await AuthorizeAsync(challenge, union, bypassCache: false, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string?> GetAccessTokenSlowAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _storeLoaded) == 0)
        {
            await LoadStoreAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_options.ServerUri is not null && !IsAllowedServer(requestUri))
        {
            return null;
        }

        ServerSession? session = Find(requestUri);
        TokenSet? tokens = session?.Tokens;
        if (session is null || tokens is null)
        {
            return null;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (tokens.IsUsableAt(now, _options.RefreshSkew))
        {
            return tokens.AccessToken;
        }

        if (tokens.RefreshToken is null || session.Context is null)
        {
            // Within the skew but not expired: still worth sending; expired: let the server's 401 start a sign-in.
            return tokens.IsUsableAt(now, TimeSpan.Zero) ? tokens.AccessToken : null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Look again: the caller ahead of us may already have refreshed.
            tokens = session.Tokens;
            if (tokens is null)
            {
                return null;
            }

            if (tokens.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew) || tokens.RefreshToken is null)
            {
                return tokens.AccessToken;
            }

            TokenSet? refreshed = await TryRefreshAsync(session, tokens, cancellationToken).ConfigureAwait(false);
            return refreshed?.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Refreshes under the gate; on invalid_grant drops the tokens and returns null; transient failures keep everything.</summary>
    private async Task<TokenSet?> TryRefreshAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        AuthorizationContext context = session.Context!;
        var request = new TokenRequestContext(
            new Uri(context.Server.TokenEndpoint!),
            context.Client,
            context.ResourceParameter,
            session.Resource,
            session.RequestedScopes);
        try
        {
            TokenSet refreshed = await _tokens.RefreshAsync(request, tokens.RefreshToken!, cancellationToken).ConfigureAwait(false);
            await SaveAsync(session, refreshed, cancellationToken).ConfigureAwait(false);
            return refreshed;
        }
        catch (McpOAuthException ex) when (ex.Code is McpOAuthErrorCode.InvalidGrant or McpOAuthErrorCode.InvalidClient)
        {
            _logger.RefreshFailed(ex.Error ?? ex.Code.ToString());
            session.Tokens = null;
            await _store.RemoveAsync(tokens.Key, cancellationToken).ConfigureAwait(false);
            if (ex.Code == McpOAuthErrorCode.InvalidClient)
            {
                await _registrar.ForgetAsync(context.Client, cancellationToken).ConfigureAwait(false);
                session.Context = null;
            }

            return null;
        }
    }

    private async Task SaveAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        session.Tokens = tokens;
        Volatile.Write(ref _lastHit, null);
        await _store.SetAsync(tokens.Key, tokens, cancellationToken).ConfigureAwait(false);
    }

    private async Task LoadStoreAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<TokenSet> stored = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (TokenSet tokens in stored)
        {
            if (UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri))
            {
                ServerSession session = GetOrAddSession(tokens.Resource, resourceUri);
                session.Tokens ??= tokens;
            }
        }

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

    /// <summary>The session whose resource identifies the URL, the most specific first; no allocation on a repeated URL.</summary>
    private ServerSession? Find(Uri requestUri)
    {
        LastHit? hit = Volatile.Read(ref _lastHit);
        if (hit is not null && ReferenceEquals(hit.Uri, requestUri))
        {
            return hit.Session;
        }

        ServerSession? best = null;
        foreach (ServerSession session in Volatile.Read(ref _sessions))
        {
            if (session.Tokens is not null
                && UriPolicy.ResourceIdentifiesServer(session.ResourceUri, requestUri)
                && (best is null || session.Resource.Length > best.Resource.Length))
            {
                best = session;
            }
        }

        if (best is not null)
        {
            Volatile.Write(ref _lastHit, new LastHit(requestUri, best));
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
