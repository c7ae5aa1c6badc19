using System.Collections.Concurrent;

namespace McpOAuth.Client.Internal;

/// <summary>One async lock per key, inside a process.</summary>
internal sealed class KeyedLocks<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, SemaphoreSlim> _locks = new();

    public async ValueTask<IAsyncDisposable> LockAsync(TKey key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(key, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
