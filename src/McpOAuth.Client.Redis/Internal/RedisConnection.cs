
namespace McpOAuth.Client.Internal;

/// <summary>The store's connection: made on first use, made again by the next call after a connect that failed, and disposed
/// with the store only when the store made it.</summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Func<Task<IConnectionMultiplexer>> _connect;
    private readonly bool _owned;
    private readonly object _sync = new();
    private Task<IConnectionMultiplexer>? _pending;

    public RedisConnection(Func<Task<IConnectionMultiplexer>> connect, bool owned)
    {
        _connect = connect;
        _owned = owned;
    }

    public static RedisConnection Of(IConnectionMultiplexer connection) => new(() => Task.FromResult(connection), owned: false);

    /// <summary>The connection the options describe: the caller's factory (not disposed by the store), else one made from
    /// <see cref="RedisTokenStoreOptions.Configuration"/> and owned by the store.</summary>
    public static RedisConnection For(RedisTokenStoreOptions options)
    {
        RedisTokenStoreOptionsValidator.ThrowIfInvalid(options, requireConnection: true);
        return options.ConnectionMultiplexerFactory is { } factory
            ? new RedisConnection(factory, owned: false)
            : FromConfiguration(options.Configuration!, options.OperationTimeout);
    }

    /// <summary>Connects from a configuration string: never aborting on a failed connect (the multiplexer keeps reconnecting in
    /// the background), and failing commands at once while disconnected instead of queueing them, so an outage is reported
    /// as it happens.</summary>
    public static RedisConnection FromConfiguration(string configuration, TimeSpan operationTimeout)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = (int)operationTimeout.TotalMilliseconds;
        options.ConnectTimeout = (int)operationTimeout.TotalMilliseconds;
        return new RedisConnection(async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false), owned: true);
    }

    public Task<IConnectionMultiplexer> GetAsync()
    {
        lock (_sync)
        {
            if (_pending is null || _pending.IsFaulted || _pending.IsCanceled)
            {
                _pending = _connect();
            }

            return _pending;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? pending;
        lock (_sync)
        {
            pending = _pending;
            _pending = null;
        }

        if (_owned && pending is { IsCompletedSuccessfully: true })
        {
            await pending.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
