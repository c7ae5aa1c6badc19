using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Renews a session's tokens without a user: a refresh under the store's per-credential lock, or a machine grant again. It
/// adopts what another caller or process renewed, never repeats a renewal that just failed, keeps a still-valid token on a
/// transient failure, and drops tokens only when the server says they are dead (REF-01..REF-10).
/// </summary>
internal sealed class TokenRenewer
{
    private static readonly TimeSpan RenewalFailureMemory = TimeSpan.FromSeconds(5);

    private readonly McpOAuthOptions _options;
    private readonly ITokenStore _store;
    private readonly StoredContextResolver _contexts;
    private readonly ClientRegistrations _registrations;
    private readonly TokenEndpointClient _tokens;
    private readonly GrantCompletion _completion;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TokenRenewer(
        McpOAuthOptions options,
        ITokenStore store,
        StoredContextResolver contexts,
        ClientRegistrations registrations,
        TokenEndpointClient tokens,
        GrantCompletion completion,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _store = store;
        _contexts = contexts;
        _registrations = registrations;
        _tokens = tokens;
        _completion = completion;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a session's tokens can be renewed without a user.</summary>
    public static bool CanRenew(ServerSession session, TokenSet tokens) => tokens.RefreshToken is not null || session.Reacquire is not null;

    /// <summary>Under the session's gate: renews unless the caller ahead already did; a failure remembered for a few seconds is
    /// answered with the still-valid token or the same error instead of another request.</summary>
    public async Task<TokenSet?> RenewAsync(ServerSession session, CancellationToken lifetime)
    {
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
                ? await RefreshAsync(session, tokens, lifetime).ConfigureAwait(false)
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
    public async Task<TokenSet?> RefreshAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        TokenStoreKey key = tokens.Key;
        IAsyncDisposable storeLock = await _store.LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using (storeLock.ConfigureAwait(false))
        {
            TokenSet? stored = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (stored is not null && !string.Equals(stored.AccessToken, tokens.AccessToken, StringComparison.Ordinal)
                && stored.IsUsableAt(_time.GetUtcNow(), _options.RefreshSkew) && session.Adopt(stored, _time))
            {
                return stored;
            }

            TokenSet current = stored?.RefreshToken is not null ? stored : tokens;
            AuthorizationContext? context = await _contexts.ResolveAsync(session, current, cancellationToken).ConfigureAwait(false);
            if (context is null || current.RefreshToken is null)
            {
                return null;
            }

            DpopSession? dpop = current.DpopKey is null
                ? null
                : SessionCredential.Stored(current, _time, session.Current?.Dpop)?.Dpop
                    ?? throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The stored DPoP key could not be read.");
            TokenRequestContext request = context.TokenRequest(
                session.Resource, current.Scopes.Count > 0 ? current.Scopes : session.RequestedScopes, dpop, _options.Client.ClientAssertionKey);
            _options.OnProgress?.Invoke(McpOAuthStage.Refreshing);
            try
            {
                TokenSet refreshed = await _tokens.RefreshAsync(request, current.RefreshToken, cancellationToken).ConfigureAwait(false);
                return await _completion.RefreshedAsync(session, refreshed, dpop, cancellationToken).ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Code is McpOAuthErrorCode.InvalidGrant or McpOAuthErrorCode.InvalidClient)
            {
                return await RejectedAsync(session, current, context, ex, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The server refused the refresh token or the client: another process's newer tokens win; otherwise the tokens go
    /// (and, for <c>invalid_client</c>, the registration, so the next sign-in registers again: REF-10).</summary>
    private async Task<TokenSet?> RejectedAsync(ServerSession session, TokenSet current, AuthorizationContext context, McpOAuthException ex, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            _logger.RefreshFailed(SafeText.Escape(ex.Error ?? ex.Code.ToString()));
        }

        TokenSet? again = await _store.GetAsync(current.Key, cancellationToken).ConfigureAwait(false);
        if (again?.RefreshToken is not null && !string.Equals(again.RefreshToken, current.RefreshToken, StringComparison.Ordinal)
            && session.Adopt(again, _time))
        {
            return again; // Another process rotated it meanwhile: theirs is the live one.
        }

        session.Clear();
        await _store.RemoveAsync(current.Key, cancellationToken).ConfigureAwait(false);
        if (ex.Code == McpOAuthErrorCode.InvalidClient)
        {
            await _registrations.ForgetAsync(context.Client, cancellationToken).ConfigureAwait(false);
            session.ForgetContext();
        }

        return null;
    }
}
