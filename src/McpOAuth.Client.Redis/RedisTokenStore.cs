using System.Globalization;
using System.Security.Cryptography;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>A token store in Redis, shared by every instance of an application: one record per credential and partition, a
/// distributed refresh lock with a lease, and compare-and-set writes under that lock.</summary>
/// <remarks>
/// <para><b>Records.</b> Each credential is a Redis hash under <see cref="RedisTokenStoreOptions.KeyPrefix"/>, keyed by a SHA-256 of
/// its resource, issuer, client id and partition. It holds the <see cref="TokenSetSerializer"/> record (encrypted with an
/// <see cref="IDataProtector"/> when one is given) and a version that every write and removal raises by one. Each partition
/// keeps an index of its credentials, so <see cref="ListPartitionAsync"/> reads one user's records and no one else's.</para>
/// <para><b>The refresh lock.</b> <see cref="LockAsync"/> takes a lock with a lease (<see cref="RedisTokenStoreOptions.LockLease"/>)
/// that the holder renews while it holds it; a holder that crashes or is killed frees it when the lease runs out.</para>
/// <para><b>Compare-and-set.</b> A <see cref="SetAsync"/> or <see cref="RemoveAsync"/> made in the same asynchronous flow that
/// awaited <see cref="LockAsync"/>, while the lock is held, succeeds only if the record's version is still the one that flow
/// last read with <see cref="GetAsync"/> (or found when it took the lock, or wrote itself). Otherwise another holder wrote in
/// between (this holder's lease ran out): nothing is written, the newer record stays, and a warning is logged; a
/// <see cref="GetAsync"/> after it returns the record that won. Writes outside the lock (a new sign-in, a sign-out) always apply.</para>
/// <para><b>Failures.</b> Every call has a timeout (<see cref="RedisTokenStoreOptions.OperationTimeout"/>). Redis unreachable, failing
/// or slow is an <see cref="McpOAuthException"/> with <see cref="McpOAuthErrorCode.StoreUnavailable"/>; nothing is deleted, and
/// the next call uses Redis again once it answers. A record that cannot be decrypted or read is treated as absent, with a
/// warning.</para>
/// </remarks>
public sealed class RedisTokenStore : ITokenStore, IAsyncDisposable, IDisposable
{
    /// <summary>How long a removed credential's version is kept, so a late holder of an old lease cannot write it back.</summary>
    private static readonly TimeSpan TombstoneLifetime = TimeSpan.FromDays(1);

    private readonly RedisExecutor _redis;
    private readonly RedisTokenStoreOptions _options;
    private readonly IDataProtector? _protector;
    private readonly ILogger _logger;
    private readonly AsyncLocal<LeaseScope?> _leases = new();

    /// <summary>Initializes a new instance of the <see cref="RedisTokenStore"/> class on a connection the caller owns.</summary>
    /// <param name="connection">The connection; not disposed by the store.</param>
    /// <param name="options">The key prefix, timeouts and lease; <see langword="null"/> for the defaults. Its connection settings
    /// are not used.</param>
    /// <param name="protector">Encrypts and decrypts records; <see langword="null"/> stores them as JSON.</param>
    /// <param name="logger">Receives warnings about unreadable records, write conflicts and lost leases; never a token.</param>
    /// <param name="timeProvider">The clock for timeouts, lock waits and lease renewal; <see cref="TimeProvider.System"/> when
    /// <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range.</exception>
    public RedisTokenStore(
        IConnectionMultiplexer connection,
        RedisTokenStoreOptions? options = null,
        IDataProtector? protector = null,
        ILogger<RedisTokenStore>? logger = null,
        TimeProvider? timeProvider = null)
        : this(RedisConnection.Of(connection ?? throw new ArgumentNullException(nameof(connection))), options ?? new(), protector, logger, timeProvider)
    {
    }

    /// <summary>Creates a store that connects on first use, from
    /// <see cref="RedisTokenStoreOptions.Configuration"/> (a connection the store owns and disposes) or
    /// <see cref="RedisTokenStoreOptions.ConnectionMultiplexerFactory"/> (a connection the caller owns).</summary>
    /// <param name="options">The connection, key prefix, timeouts and lease.</param>
    /// <param name="protector">Encrypts and decrypts records; <see langword="null"/> stores them as JSON.</param>
    /// <param name="logger">Receives warnings about unreadable records, write conflicts and lost leases; never a token.</param>
    /// <param name="timeProvider">The clock for timeouts, lock waits and lease renewal; <see cref="TimeProvider.System"/> when
    /// <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range, or neither connection
    /// setting is set.</exception>
    /// <returns>The store; disposing it closes a connection it made.</returns>
    public static RedisTokenStore Connect(
        RedisTokenStoreOptions options,
        IDataProtector? protector = null,
        ILogger<RedisTokenStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RedisTokenStore(RedisConnection.For(options), options, protector, logger, timeProvider);
    }

    internal RedisTokenStore(
        RedisConnection connection, RedisTokenStoreOptions options, IDataProtector? protector, ILogger? logger, TimeProvider? timeProvider)
    {
        RedisTokenStoreOptionsValidator.ThrowIfInvalid(options, requireConnection: false);
        _options = options;
        _redis = new RedisExecutor(connection, options.OperationTimeout, timeProvider ?? TimeProvider.System);
        _protector = protector;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets whether records are encrypted with ASP.NET Core Data Protection.</summary>
    public bool IsProtected => _protector is not null;

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        RedisKeyNames names = NamesOf(key);
        RedisValue[] fields = await _redis.RunAsync(
            db => db.HashGetAsync(names.Record, [RedisKeyNames.VersionField, RedisKeyNames.DataField]), cancellationToken).ConfigureAwait(false);
        HeldLease(names)?.Observe(fields[0].IsNull ? 0 : (long)fields[0]);
        TokenSet? tokens = Decode(fields[1], names.CredentialHash);
        return tokens is not null && tokens.Key == key ? tokens : null;
    }

    /// <inheritdoc />
    /// <remarks>Under the credential's lock, a compare-and-set on the version read under it: see the class remarks.</remarks>
    /// <exception cref="McpOAuthException">Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>); the
    /// write may or may not have been applied, so read again before relying on it.</exception>
    public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        RedisKeyNames names = NamesOf(key);
        byte[] record = Encode(TokenSetSerializer.Serialize(
            tokens with { Resource = key.Resource, Issuer = key.Issuer, ClientId = key.ClientId, Partition = key.Partition }));
        await WriteAsync(names, RedisScripts.Set, record, cancellationToken).ConfigureAwait(false);
        await _redis.RunAsync(db => db.SetAddAsync(RedisKeyNames.Partitions(_options.KeyPrefix), names.PartitionHash), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Leaves the version behind for a day (a tombstone), so that a holder of an old lease cannot write the credential
    /// back. Under the credential's lock it is a compare-and-set like <see cref="SetAsync"/>.</remarks>
    /// <exception cref="McpOAuthException">Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        await WriteAsync(NamesOf(key), RedisScripts.Remove, (long)TombstoneLifetime.TotalMilliseconds, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>Waits up to <see cref="RedisTokenStoreOptions.LockTimeout"/>; the lease is <see cref="RedisTokenStoreOptions.LockLease"/>,
    /// renewed every third of it while held. Writes in the same asynchronous flow are compare-and-set until the handle is
    /// disposed. Disposing never throws: a lock that cannot be released is freed by its lease.</remarks>
    /// <exception cref="McpOAuthException">The lock was held by another holder past the timeout (<see cref="McpOAuthErrorCode.Timeout"/>),
    /// or Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        // Not an async method: the scope must be set in the caller's execution context, so that its later writes see the lease.
        var lease = new RedisLease(_redis, NamesOf(key), _options.LockLease, _logger);
        _leases.Value = LeaseScope.Push(_leases.Value, lease);
        return AcquireAsync(lease, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default)
    {
        RedisValue[] partitions = await _redis.RunAsync(
            db => db.SetMembersAsync(RedisKeyNames.Partitions(_options.KeyPrefix)), cancellationToken).ConfigureAwait(false);
        var all = new List<TokenSet>();
        foreach (RedisValue partition in partitions)
        {
            all.AddRange(await ListPartitionHashAsync(partition.ToString(), cancellationToken).ConfigureAwait(false));
        }

        return all;
    }

    /// <inheritdoc />
    /// <remarks>Reads the partition's own index: one set and that partition's records, never another user's.</remarks>
    /// <exception cref="McpOAuthException">Redis is unreachable or timed out (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<IReadOnlyList<TokenSet>> ListPartitionAsync(string partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        IReadOnlyList<TokenSet> listed = await ListPartitionHashAsync(RedisKeyNames.PartitionHashOf(partition), cancellationToken).ConfigureAwait(false);
        return [.. listed.Where(tokens => string.Equals(tokens.Partition, partition, StringComparison.Ordinal))];
    }

    /// <summary>Closes the connection when the store made it (through <c>UseRedisTokenStore</c>).</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    /// <summary>Closes the connection when the store made it (through <c>UseRedisTokenStore</c>).</summary>
    public void Dispose() => _redis.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private RedisKeyNames NamesOf(TokenStoreKey key) => RedisKeyNames.For(_options.KeyPrefix, key);

    private RedisLease? HeldLease(RedisKeyNames names) => LeaseScope.Find(_leases.Value, names.Record);

    private async ValueTask<IAsyncDisposable> AcquireAsync(RedisLease lease, CancellationToken cancellationToken) =>
        await lease.AcquireAsync(_options.LockTimeout, cancellationToken).ConfigureAwait(false);

    private async Task WriteAsync(RedisKeyNames names, string script, RedisValue argument, CancellationToken cancellationToken)
    {
        RedisLease? lease = HeldLease(names);
        long? expected = lease?.Version;
        RedisResult result = await _redis.RunAsync(
            db => db.ScriptEvaluateAsync(
                script,
                [names.Record, names.Index],
                [names.CredentialHash, argument, expected is { } v ? v.ToString(CultureInfo.InvariantCulture) : string.Empty]),
            cancellationToken).ConfigureAwait(false);
        long version = (long)result;
        if (version < 0)
        {
            _logger.WriteConflict(names.CredentialHash, expected ?? 0, -version - 1);
            return;
        }

        lease?.Observe(version);
    }

    private byte[] Encode(byte[] record) => _protector is null ? record : _protector.Protect(record);

    private TokenSet? Decode(RedisValue stored, string credentialHash)
    {
        if (stored.IsNull)
        {
            return null;
        }

        byte[] bytes = (byte[])stored!;
        if (bytes.Length > McpOAuthDefaults.MaxResponseBytes)
        {
            _logger.RecordIgnored(credentialHash, "it is too large");
            return null;
        }

        if (_protector is not null)
        {
            try
            {
                bytes = _protector.Unprotect(bytes);
            }
            catch (CryptographicException)
            {
                _logger.RecordIgnored(credentialHash, "it could not be decrypted with the Data Protection key ring");
                return null;
            }
        }

        if (TokenSetSerializer.TryDeserialize(bytes, out TokenSet? tokens))
        {
            return tokens;
        }

        _logger.RecordIgnored(credentialHash, "it is not a readable token record");
        return null;
    }

    private async Task<IReadOnlyList<TokenSet>> ListPartitionHashAsync(string partitionHash, CancellationToken cancellationToken)
    {
        RedisValue[] credentials = await _redis.RunAsync(
            db => db.SetMembersAsync(RedisKeyNames.IndexOf(_options.KeyPrefix, partitionHash)), cancellationToken).ConfigureAwait(false);
        RedisKeyNames[] names = [.. credentials.Select(c => RedisKeyNames.ForHashes(_options.KeyPrefix, partitionHash, c.ToString()))];
        RedisValue[] records = await _redis.RunAsync(
            async db => await Task.WhenAll(names.Select(n => db.HashGetAsync(n.Record, RedisKeyNames.DataField))).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        var listed = new List<TokenSet>(records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            if (Decode(records[i], names[i].CredentialHash) is { } tokens && RedisKeyNames.For(_options.KeyPrefix, tokens.Key) == names[i])
            {
                listed.Add(tokens);
            }
        }

        return listed;
    }

    /// <summary>The leases taken in one asynchronous flow, newest first; released ones are dropped as new ones are pushed.</summary>
    private sealed record LeaseScope(RedisLease Lease, LeaseScope? Next)
    {
        public static LeaseScope Push(LeaseScope? scope, RedisLease lease)
        {
            LeaseScope? kept = null;
            foreach (RedisLease held in Enumerate(scope).Where(l => l.IsHeld).Reverse())
            {
                kept = new LeaseScope(held, kept);
            }

            return new LeaseScope(lease, kept);
        }

        public static RedisLease? Find(LeaseScope? scope, RedisKey record) =>
            Enumerate(scope).FirstOrDefault(l => l.IsHeld && l.Names.Record == record);

        private static IEnumerable<RedisLease> Enumerate(LeaseScope? scope)
        {
            for (LeaseScope? s = scope; s is not null; s = s.Next)
            {
                yield return s.Lease;
            }
        }
    }
}
