
namespace McpOAuth.Client;

/// <summary>Configures <see cref="RedisTokenStore"/>.</summary>
public sealed class RedisTokenStoreOptions
{
    /// <summary>Gets or sets the StackExchange.Redis configuration string (for example <c>127.0.0.1:6379,password=…</c>), used by
    /// <c>UseRedisTokenStore</c> when <see cref="ConnectionMultiplexerFactory"/> is not set.</summary>
    /// <value>The default is <see langword="null"/>. The store connects on first use; a connection that fails is retried by the
    /// next call (it never aborts on a failed connect), and calls fail fast while Redis is unreachable.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets a factory for the connection, used instead of <see cref="Configuration"/>; the store calls it on first
    /// use and again after it fails, and does not dispose what it returns.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>Gets or sets the prefix of every key the store writes, so several applications (or tests) share one Redis database
    /// without seeing each other's credentials.</summary>
    /// <value>The default is <c>mcp-oauth:</c>. At most 200 characters, and no <c>{</c> or <c>}</c> (they would change the Redis
    /// Cluster hash slot).</value>
    public string KeyPrefix { get; set; } = "mcp-oauth:";

    /// <summary>Gets or sets how long one Redis call may take, connecting included, before it fails with
    /// <see cref="McpOAuthErrorCode.StoreUnavailable"/>.</summary>
    /// <value>The default is 5 seconds. Allowed: 100 milliseconds to 5 minutes.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the lease of the refresh lock: a holder renews it every third of this while it holds the lock, so a
    /// crashed or killed holder frees the lock at most this long after it died.</summary>
    /// <value>The default is 30 seconds. Allowed: 1 second to 10 minutes.</value>
    public TimeSpan LockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long <see cref="RedisTokenStore.LockAsync"/> waits for another holder before it fails with
    /// <see cref="McpOAuthErrorCode.Timeout"/>.</summary>
    /// <value>The default is 1 minute. Allowed: 100 milliseconds to 10 minutes.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets whether <c>UseRedisTokenStore</c> encrypts records with ASP.NET Core Data Protection, through the
    /// container's <c>IDataProtectionProvider</c> (register it with <c>services.AddDataProtection()</c>, and keep its key ring
    /// where every instance reads it, for example in the same Redis).</summary>
    /// <value>The default is <see langword="false"/>: records are JSON in Redis, protected only by Redis's own access control.</value>
    public bool ProtectWithDataProtection { get; set; }
}
