using System.Security.Cryptography;

namespace McpOAuth.Client.Internal;

/// <summary>One holding of a credential's refresh lock: a StackExchange.Redis lock (<c>SET key token NX PX lease</c>, released
/// only by the token's owner) renewed every third of its lease while held, plus the record version the holder last read or
/// wrote, which fences its writes.</summary>
internal sealed class RedisLease : IAsyncDisposable
{
    private readonly RedisExecutor _redis;
    private readonly ILogger _logger;
    private readonly TimeSpan _lease;
    private readonly RedisValue _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private ITimer? _renewal;
    private long _version;
    private int _state; // 0 waiting, 1 held, 2 released

    public RedisLease(RedisExecutor redis, RedisKeyNames names, TimeSpan lease, ILogger logger)
    {
        _redis = redis;
        Names = names;
        _lease = lease;
        _logger = logger;
    }

    public RedisKeyNames Names { get; }

    /// <summary>Gets whether the lock is held by this holding (taken and not yet released).</summary>
    public bool IsHeld => Volatile.Read(ref _state) == 1;

    /// <summary>Gets the version a write under this holding expects to find.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Records the version the holder read or wrote last.</summary>
    public void Observe(long version) => Interlocked.Exchange(ref _version, version);

    /// <summary>Takes the lock, waiting with growing pauses until <paramref name="timeout"/>; then reads the record's version.</summary>
    public async Task<RedisLease> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TimeProvider time = _redis.Time;
        long started = time.GetTimestamp();
        TimeSpan pause = TimeSpan.FromMilliseconds(5);
        while (!await _redis.RunAsync(db => db.LockTakeAsync(Names.Lock, _token, _lease), cancellationToken).ConfigureAwait(false))
        {
            TimeSpan left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.Timeout,
                    $"Another instance held the refresh lock on a stored credential for more than {timeout.TotalSeconds:0.###} seconds.");
            }

            await Task.Delay(pause < left ? pause : left, time, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
        }

        try
        {
            RedisValue version = await _redis.RunAsync(db => db.HashGetAsync(Names.Record, RedisKeyNames.VersionField), cancellationToken)
                .ConfigureAwait(false);
            Observe(version.IsNull ? 0 : (long)version);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        TimeSpan every = _lease / 3;
        _renewal = time.CreateTimer(static state => ((RedisLease)state!).Renew(), this, every, every);
        Volatile.Write(ref _state, 1);
        return this;
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    private async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        if (_renewal is { } renewal)
        {
            await renewal.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _redis.RunAsync(db => db.LockReleaseAsync(Names.Lock, _token), CancellationToken.None).ConfigureAwait(false);
        }
        catch (McpOAuthException ex)
        {
            // Releasing must not hide the holder's own outcome; the lease expires by itself.
            _logger.LockNotReleased(Names.CredentialHash, ex.Message);
        }
    }

    private void Renew() => _ = RenewAsync();

    private async Task RenewAsync()
    {
        try
        {
            if (IsHeld && !await _redis.RunAsync(db => db.LockExtendAsync(Names.Lock, _token, _lease), CancellationToken.None).ConfigureAwait(false))
            {
                _logger.LeaseLost(Names.CredentialHash);
                _renewal?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
        catch (McpOAuthException)
        {
            // Redis is unreachable: the next tick tries again, and if Redis stays away the lease lapses as designed.
        }
    }
}
