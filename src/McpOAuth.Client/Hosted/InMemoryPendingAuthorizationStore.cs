using System.Collections.Concurrent;

namespace McpOAuth.Client;

/// <summary>Keeps hosted sign-ins in memory: for one instance, or for development.</summary>
public sealed class InMemoryPendingAuthorizationStore : IPendingAuthorizationStore
{
    private readonly ConcurrentDictionary<string, PendingAuthorization> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="InMemoryPendingAuthorizationStore"/> class.</summary>
    /// <param name="timeProvider">The clock for expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryPendingAuthorizationStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(string state, PendingAuthorization pending, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentNullException.ThrowIfNull(pending);
        DateTimeOffset now = _time.GetUtcNow();
        foreach (KeyValuePair<string, PendingAuthorization> entry in _entries)
        {
            if (entry.Value.ExpiresAt <= now)
            {
                _entries.TryRemove(entry); // Abandoned sign-ins do not accumulate.
            }
        }

        _entries[state] = pending;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<PendingAuthorization?> TakeAsync(string state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ValueTask.FromResult(_entries.TryRemove(state, out PendingAuthorization? pending) && pending.ExpiresAt > _time.GetUtcNow()
            ? pending
            : null);
    }
}
