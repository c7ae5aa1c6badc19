
namespace McpOAuth.Client.Internal;

/// <summary>The log events of <see cref="RedisTokenStore"/> (45x, next to the token events 4xx). None carries a token or a
/// partition name: credentials are named by their key hash.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 450, EventName = "RedisRecordIgnored", Level = LogLevel.Warning,
        Message = "The stored credential {CredentialHash} was ignored because {Reason}.")]
    public static partial void RecordIgnored(this ILogger logger, string credentialHash, string reason);

    [LoggerMessage(EventId = 451, EventName = "RedisWriteConflict", Level = LogLevel.Warning,
        Message = "A write of credential {CredentialHash} under its refresh lock expected version {Expected} but found {Current}; the newer record was kept.")]
    public static partial void WriteConflict(this ILogger logger, string credentialHash, long expected, long current);

    [LoggerMessage(EventId = 452, EventName = "RedisLeaseLost", Level = LogLevel.Warning,
        Message = "The refresh lock of credential {CredentialHash} expired while held; writes under it are checked against the version read.")]
    public static partial void LeaseLost(this ILogger logger, string credentialHash);

    [LoggerMessage(EventId = 453, EventName = "RedisLockNotReleased", Level = LogLevel.Warning,
        Message = "The refresh lock of credential {CredentialHash} could not be released ({Reason}); its lease frees it.")]
    public static partial void LockNotReleased(this ILogger logger, string credentialHash, string reason);
}
