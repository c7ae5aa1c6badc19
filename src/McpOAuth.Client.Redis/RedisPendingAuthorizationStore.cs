using System.Security.Cryptography;
using System.Text;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>Keeps hosted sign-ins between their start and their callback in Redis, so the callback may reach any instance of the
/// application: each is encrypted with ASP.NET Core Data Protection, expires with its lifetime, and is taken at most once.</summary>
/// <remarks>
/// <para>A pending sign-in holds secrets (the PKCE verifier, a dynamic client's secret, a DPoP key), so it is always protected
/// with the <see cref="IDataProtector"/> given; every instance needs the same Data Protection key ring (for example in Redis,
/// with <c>PersistKeysToStackExchangeRedis</c>). Its key is <see cref="RedisTokenStoreOptions.KeyPrefix"/> followed by
/// <c>pending:</c> and the SHA-256 of its <c>state</c>, so no state appears in a key.</para>
/// <para><see cref="SaveAsync"/> sets the record with a Redis expiry of the sign-in's lifetime. <see cref="TakeAsync"/> reads
/// and deletes it in one atomic script, so a replayed callback, or the same callback at two instances at once, finds it only
/// once. A record that cannot be decrypted (another key ring, tampered) is treated as absent, with a warning. Redis
/// unreachable or slow is an <see cref="McpOAuthException"/> with <see cref="McpOAuthErrorCode.StoreUnavailable"/>.</para>
/// </remarks>
public sealed class RedisPendingAuthorizationStore : IPendingAuthorizationStore, IAsyncDisposable
{
    /// <summary>The Data Protection purpose of the records.</summary>
    public const string DataProtectionPurpose = "McpOAuth.Client.PendingAuthorization.v1";

    private static readonly LuaScript TakeScript = LuaScript.Prepare(
        "local value = redis.call('GET', @key) if value then redis.call('DEL', @key) end return value");

    private readonly RedisExecutor _redis;
    private readonly string _prefix;
    private readonly IDataProtector _protector;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RedisPendingAuthorizationStore"/> class on a connection the caller owns.</summary>
    /// <param name="connection">The connection; not disposed by the store.</param>
    /// <param name="protectionProvider">Data Protection, whose key ring every instance shares; the store creates its protector with
    /// <see cref="DataProtectionPurpose"/>.</param>
    /// <param name="options">The key prefix and timeout; <see langword="null"/> for the defaults. Its connection and lock settings
    /// are not used.</param>
    /// <param name="logger">Receives a warning when a record cannot be read; never a secret.</param>
    /// <param name="timeProvider">The clock for timeouts and expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> or <paramref name="protectionProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range.</exception>
    public RedisPendingAuthorizationStore(
        IConnectionMultiplexer connection,
        IDataProtectionProvider protectionProvider,
        RedisTokenStoreOptions? options = null,
        ILogger<RedisPendingAuthorizationStore>? logger = null,
        TimeProvider? timeProvider = null)
        : this(RedisConnection.Of(connection ?? throw new ArgumentNullException(nameof(connection))), protectionProvider, options ?? new(), logger, timeProvider)
    {
    }

    internal RedisPendingAuthorizationStore(
        RedisConnection connection, IDataProtectionProvider protectionProvider, RedisTokenStoreOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(protectionProvider);
        RedisTokenStoreOptionsValidator.ThrowIfInvalid(options, requireConnection: false);
        _redis = new RedisExecutor(connection, options.OperationTimeout, timeProvider ?? TimeProvider.System);
        _prefix = options.KeyPrefix;
        _protector = protectionProvider.CreateProtector(DataProtectionPurpose);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string state, PendingAuthorization pending, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        byte[] protectedBytes = _protector.Protect(PendingAuthorizationSerializer.Serialize(pending));
        await _redis.RunAsync(db => db.StringSetAsync(KeyOf(state), protectedBytes, lifetime), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<PendingAuthorization?> TakeAsync(string state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        RedisResult taken = await _redis.RunAsync(db => db.ScriptEvaluateAsync(TakeScript, new { key = KeyOf(state) }), cancellationToken)
            .ConfigureAwait(false);
        if (taken.IsNull || (byte[]?)taken is not { } protectedBytes)
        {
            return null;
        }

        byte[] json;
        try
        {
            json = _protector.Unprotect(protectedBytes);
        }
        catch (CryptographicException)
        {
            _logger.PendingAuthorizationIgnored("it cannot be decrypted with this application's Data Protection key ring");
            return null;
        }

        if (!PendingAuthorizationSerializer.TryDeserialize(json, out PendingAuthorization? pending))
        {
            _logger.PendingAuthorizationIgnored("it is not a readable pending sign-in");
            return null;
        }

        return pending.ExpiresAt > _redis.Time.GetUtcNow() ? pending : null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private RedisKey KeyOf(string state) =>
        _prefix + "pending:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state))).ToLowerInvariant();
}
