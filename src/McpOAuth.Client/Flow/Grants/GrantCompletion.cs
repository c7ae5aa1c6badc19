using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The one way every grant ends (MSAL's shared finishing step): the previous credential of the resource is removed when the new
/// one is keyed differently, the session takes the tokens, their DPoP key, context and scopes, the store keeps them, and the
/// sign-in is logged. Renewals end here too.
/// </summary>
internal sealed class GrantCompletion(ITokenStore store, ILogger logger)
{
    /// <summary>A sign-in (any grant) issued tokens.</summary>
    public async Task<TokenSet> CompleteAsync(
        ServerSession session,
        TokenSet tokens,
        DpopSession? dpop,
        AuthorizationContext context,
        IReadOnlyList<string> scopes,
        Func<CancellationToken, Task<TokenSet>>? reacquire,
        CancellationToken cancellationToken)
    {
        tokens = InPartitionOf(session, tokens);
        if (session.Tokens is { } previous && previous.Key != tokens.Key)
        {
            await store.RemoveAsync(previous.Key, cancellationToken).ConfigureAwait(false);
        }

        session.Complete(tokens, dpop, context, scopes, reacquire);
        await store.SetAsync(tokens.Key, tokens, cancellationToken).ConfigureAwait(false);
        logger.AuthorizationCompleted(context.Issuer);
        return tokens;
    }

    /// <summary>A refresh issued tokens for the same context.</summary>
    public async Task<TokenSet> RefreshedAsync(ServerSession session, TokenSet tokens, DpopSession? dpop, CancellationToken cancellationToken)
    {
        tokens = InPartitionOf(session, tokens);
        session.Renewed(tokens, dpop, refreshed: true);
        await store.SetAsync(tokens.Key, tokens, cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    /// <summary>Tokens belong to the session's partition, whatever the token endpoint client stamped.</summary>
    private static TokenSet InPartitionOf(ServerSession session, TokenSet tokens) =>
        string.Equals(tokens.Partition, session.Partition, StringComparison.Ordinal) ? tokens : tokens with { Partition = session.Partition };
}
