using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The one way every grant ends (MSAL's shared finishing step): the previous credential of the resource is removed when the new
/// one is keyed differently, the session takes the tokens, their DPoP key, context and scopes, the store keeps them, and the
/// sign-in is logged. Renewals end here too. A store that cannot be written does not fail the request (STORE-08): the tokens
/// serve from memory, the failure is logged with its code, and the write is tried again on the next renewal or challenge.
/// </summary>
internal sealed class GrantCompletion(ITokenStore store, ILogger logger)
{
    /// <summary>A sign-in (any grant) issued tokens for <paramref name="endpoint"/>: they serve it and every endpoint the
    /// resource's previous credential served, since the user signed in for each (RS-01).</summary>
    public async Task<TokenSet> CompleteAsync(
        ServerSession session,
        TokenSet tokens,
        DpopSession? dpop,
        AuthorizationContext context,
        string endpoint,
        IReadOnlyList<string> scopes,
        Func<CancellationToken, Task<TokenSet>>? reacquire,
        CancellationToken cancellationToken)
    {
        tokens = InPartitionOf(session, tokens) with { Endpoints = CredentialEndpoints.Union(session.Endpoints, [endpoint]) };
        TokenSet? previous = session.Tokens;
        session.Complete(tokens, dpop, context, scopes, reacquire);
        if (previous is not null && previous.Key != tokens.Key)
        {
            await TryStoreAsync(session, () => store.RemoveAsync(previous.Key, cancellationToken), unsaved: null).ConfigureAwait(false);
        }

        await TryStoreAsync(session, () => store.SetAsync(tokens.Key, tokens, cancellationToken), tokens).ConfigureAwait(false);
        logger.AuthorizationCompleted(context.Issuer);
        return tokens;
    }

    /// <summary>A refresh of <paramref name="refreshedFrom"/> issued tokens for the same context and endpoints.</summary>
    public async Task<TokenSet> RefreshedAsync(ServerSession session, TokenSet refreshedFrom, TokenSet tokens, DpopSession? dpop, CancellationToken cancellationToken)
    {
        tokens = InPartitionOf(session, tokens) with { Endpoints = CredentialEndpoints.Union(session.Endpoints, refreshedFrom.Endpoints) };
        session.Renewed(tokens, dpop, refreshed: true);
        await TryStoreAsync(session, () => store.SetAsync(tokens.Key, tokens, cancellationToken), tokens).ConfigureAwait(false);
        return tokens;
    }

    /// <summary>Writes tokens a failed write left only in memory, if they are still the session's.</summary>
    public async ValueTask RetryUnsavedAsync(ServerSession session, CancellationToken cancellationToken)
    {
        if (session.Unsaved is { } unsaved && ReferenceEquals(unsaved.Tokens, session.Tokens))
        {
            await TryStoreAsync(session, () => store.SetAsync(unsaved.Tokens.Key, unsaved.Tokens, cancellationToken), unsaved.Tokens).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a store call; a store failure leaves the tokens in memory, marked unsaved, and is logged, never thrown.</summary>
    private async ValueTask TryStoreAsync(ServerSession session, Func<ValueTask> write, TokenSet? unsaved)
    {
        try
        {
            await write().ConfigureAwait(false);
            if (unsaved is not null)
            {
                session.Unsaved = null;
            }
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            McpOAuthException typed = ex as McpOAuthException
                ?? new McpOAuthException(McpOAuthErrorCode.StoreUnavailable, "The token store could not be written; the tokens are kept in memory and written again later.", ex);
            if (unsaved is not null)
            {
                session.Unsaved = new UnsavedTokens(unsaved, typed);
            }

            logger.TokenStoreWriteFailed(typed.Code, ex.GetType().Name);
        }
    }

    private static bool IsStoreFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or McpOAuthException { Code: McpOAuthErrorCode.StoreUnavailable };

    /// <summary>Tokens belong to the session's partition, whatever the token endpoint client stamped.</summary>
    private static TokenSet InPartitionOf(ServerSession session, TokenSet tokens) =>
        string.Equals(tokens.Partition, session.Partition, StringComparison.Ordinal) ? tokens : tokens with { Partition = session.Partition };
}
