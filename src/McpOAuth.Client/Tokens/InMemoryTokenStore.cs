using System.Collections.Concurrent;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>A thread-safe token store that keeps tokens in memory for the life of the process.</summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly ConcurrentDictionary<TokenStoreKey, TokenSet> _entries = new();
    private readonly KeyedLocks<TokenStoreKey> _locks = new();

    /// <inheritdoc />
    public ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(key, out TokenSet? tokens) ? tokens : null);

    /// <inheritdoc />
    public ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _entries[key] = tokens;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        _locks.LockAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<TokenSet>>([.. _entries.Values]);

    /// <inheritdoc />
    /// <returns><see cref="TokenProtection.Memory"/>.</returns>
    public ValueTask<TokenProtection> GetProtectionAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TokenProtection.Memory);
}
