namespace McpOAuth.Client.Internal;

/// <summary>The two writes of <see cref="RedisTokenStore"/>, each one Lua script so that the version check and the write are
/// atomic. KEYS[1] is the record hash, KEYS[2] its partition's index; ARGV[1] the credential hash; the expected version is
/// empty for an unconditional write. Both return the new version, or <c>-(current version) - 1</c> when the expected version
/// did not match and nothing was written.</summary>
internal static class RedisScripts
{
    /// <summary>ARGV[2] = the record bytes, ARGV[3] = the expected version or empty. Clears a tombstone's expiry.</summary>
    public const string Set = """
        local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if ARGV[3] ~= '' and v ~= tonumber(ARGV[3]) then return -v - 1 end
        v = v + 1
        redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[2])
        redis.call('PERSIST', KEYS[1])
        redis.call('SADD', KEYS[2], ARGV[1])
        return v
        """;

    /// <summary>ARGV[2] = the tombstone lifetime in milliseconds, ARGV[3] = the expected version or empty. Leaves a tombstone
    /// (the version, no data) so that a holder who read the record before it was removed cannot write it back.</summary>
    public const string Remove = """
        local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if ARGV[3] ~= '' and v ~= tonumber(ARGV[3]) then return -v - 1 end
        if redis.call('HEXISTS', KEYS[1], 'd') == 0 then return v end
        v = v + 1
        redis.call('HDEL', KEYS[1], 'd')
        redis.call('HSET', KEYS[1], 'v', v)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('SREM', KEYS[2], ARGV[1])
        return v
        """;
}
