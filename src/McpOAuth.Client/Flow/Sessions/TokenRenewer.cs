using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Renews a session's tokens without a user: a refresh under the store's per-credential lock, or a machine grant again. It
/// adopts what another caller or process renewed, never repeats a renewal that just failed, keeps a still-valid token on a
/// transient failure, and drops tokens only when the server says they are dead (REF-01..REF-10).
/// </summary>
internal sealed class TokenRenewer(
    McpOAuthOptions options,
    ITokenStore store,
    StoredContextResolver contexts,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan RenewalFailureMemory = TimeSpan.FromSeconds(5);

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

        DateTimeOffset now = time.GetUtcNow();
        if (tokens.IsUsableAt(now, options.RefreshSkew))
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
            session.LastRenewalFailure = (time.GetUtcNow(), ex);

            // A transient failure inside the refresh skew: the access token still works, so the request goes on with it.
            if (tokens.IsUsableAt(time.GetUtcNow(), TimeSpan.Zero))
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
    /// <remarks>The authorization server and client are resolved before the lock (issue 10): tokens under one key share their
    /// issuer and client id, so the context found for these tokens serves whatever the store holds, and the window between the
    /// lock and the write holds the refresh alone, never a metadata fetch another process would wait behind.</remarks>
    public async Task<TokenSet?> RefreshAsync(ServerSession session, TokenSet tokens, CancellationToken cancellationToken)
    {
        TokenStoreKey key = tokens.Key;
        AuthorizationContext? context = await contexts.ResolveAsync(session, tokens, cancellationToken).ConfigureAwait(false);
        IAsyncDisposable storeLock = await store.LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using (storeLock.ConfigureAwait(false))
        {
            TokenSet? stored = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (stored is not null && !string.Equals(stored.AccessToken, tokens.AccessToken, StringComparison.Ordinal)
                && stored.IsUsableAt(time.GetUtcNow(), options.RefreshSkew) && session.Adopt(stored, time))
            {
                return stored;
            }

            TokenSet current = stored?.RefreshToken is not null ? stored : tokens;
            if (context is null || current.RefreshToken is null)
            {
                return null;
            }

            DpopSession? dpop = current.DpopKey is null
                ? null
                : SessionCredential.Stored(current, time, session.Current?.Dpop)?.Dpop
                    ?? throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The stored DPoP key could not be read.");
            TokenRequestContext request = context.TokenRequest(
                session.Resource, current.Scopes.Count > 0 ? current.Scopes : session.RequestedScopes, dpop, options.Client.ClientAssertionKey);
            options.OnProgress?.Invoke(McpOAuthStage.Refreshing);
            try
            {
                // RFC 6749 §6: no scope means "as granted". It is repeated when asked to, and when no resource parameter is sent: the
                // scope is then all that names the resource (Entra's v2 endpoint requires it, and would refresh for another API).
                IReadOnlyList<string>? scope = options.SendScopeOnRefresh || !options.SendResourceParameter ? request.Scopes : null;
                TokenSet refreshed = await tokenEndpoint.RefreshAsync(request, current.RefreshToken, scope, cancellationToken).ConfigureAwait(false);
                return await completion.RefreshedAsync(session, current, refreshed, dpop, cancellationToken).ConfigureAwait(false);
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
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.RefreshFailed(SafeText.Escape(ex.Error ?? ex.Code.ToString()));
        }

        TokenSet? again = await store.GetAsync(current.Key, cancellationToken).ConfigureAwait(false);
        if (again?.RefreshToken is not null && !string.Equals(again.RefreshToken, current.RefreshToken, StringComparison.Ordinal)
            && session.Adopt(again, time))
        {
            return again; // Another process rotated it meanwhile: theirs is the live one.
        }

        session.Clear();
        await store.RemoveAsync(current.Key, cancellationToken).ConfigureAwait(false);
        if (ex.Code == McpOAuthErrorCode.InvalidClient)
        {
            await registrations.ForgetAsync(context.Client, cancellationToken).ConfigureAwait(false);
            session.ForgetContext();
        }

        return null;
    }
}
