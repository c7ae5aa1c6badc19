namespace McpOAuth.Client;

/// <summary>Keeps tokens between requests and, for durable stores, between runs.</summary>
/// <remarks>Implementations must be thread-safe. Reads are on the hot path only when no token is cached in memory.</remarks>
public interface ITokenStore
{
    /// <summary>Reads the tokens stored under a key.</summary>
    /// <param name="key">The resource, issuer and client the tokens belong to.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tokens, or <see langword="null"/> when none are stored.</returns>
    ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores tokens under a key, replacing what was there.</summary>
    /// <param name="key">The resource, issuer and client the tokens belong to.</param>
    /// <param name="tokens">The tokens.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the tokens are stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default);

    /// <summary>Removes the tokens stored under a key.</summary>
    /// <param name="key">The resource, issuer and client the tokens belong to.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the tokens are removed.</returns>
    ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default);

    /// <summary>Takes the lock of one credential, across threads and, for durable stores, across processes.</summary>
    /// <param name="key">The credential to lock.</param>
    /// <param name="cancellationToken">Stops waiting for the lock.</param>
    /// <returns>A handle that releases the lock when disposed.</returns>
    /// <exception cref="McpOAuthException">The lock was not acquired in time (<see cref="McpOAuthErrorCode.Timeout"/>).</exception>
    /// <remarks>The provider holds it only around a refresh and the write that follows, and re-reads the store after taking
    /// it, so two processes never spend the same rotating refresh token (RFC 9700 §4.14.2).</remarks>
    ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists every stored entry.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The stored tokens; each carries its own key.</returns>
    ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the entries of one partition.</summary>
    /// <param name="partition">The partition; <see cref="TokenSet.DefaultPartition"/> for an application with one user.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The stored tokens of that partition; each carries its own key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="partition"/> is <see langword="null"/>.</exception>
    /// <remarks>The default filters <see cref="ListAsync(CancellationToken)"/>; a shared store with many users overrides it with an
    /// index, so one user's sign-in never reads every user's tokens.</remarks>
    async ValueTask<IReadOnlyList<TokenSet>> ListPartitionAsync(string partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        IReadOnlyList<TokenSet> all = await ListAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.Where(tokens => string.Equals(tokens.Partition, partition, StringComparison.Ordinal))];
    }

    /// <summary>Tells how a credential is protected at rest: where it is stored now or, when it is not stored, where it would be.</summary>
    /// <param name="key">The credential.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The protection; <see cref="TokenProtection.Unknown"/> unless the store overrides this.</returns>
    /// <exception cref="McpOAuthException">The store cannot be read (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    ValueTask<TokenProtection> GetProtectionAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TokenProtection.Unknown);
}
