
namespace McpOAuth.Client.Internal;

/// <summary>The log events of <see cref="RedisPendingAuthorizationStore"/> (46x). None carries a state, verifier or user.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 460, EventName = "RedisPendingAuthorizationIgnored", Level = LogLevel.Warning,
        Message = "A pending sign-in was found but ignored because {Reason}; its callback is refused.")]
    public static partial void PendingAuthorizationIgnored(this ILogger logger, string reason);
}
