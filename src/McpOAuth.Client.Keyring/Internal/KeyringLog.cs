using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>The keyring store's log events (6xx); never a token.</summary>
internal static partial class KeyringLog
{
    [LoggerMessage(EventId = 601, EventName = "KeyringFallbackUsed", Level = LogLevel.Warning,
        Message = "The OS keyring could not be used ({Reason}); the tokens were written to an owner-only plaintext file in {Directory} because AllowPlaintextFallback is set.")]
    public static partial void KeyringFallbackUsed(this ILogger logger, string reason, string directory);

    [LoggerMessage(EventId = 602, EventName = "KeyringEntryMissing", Level = LogLevel.Warning,
        Message = "The keyring has no secret for the credential marked by {Marker}; it was removed from the keyring by another program.")]
    public static partial void KeyringEntryMissing(this ILogger logger, string marker);

    [LoggerMessage(EventId = 603, EventName = "PlaintextCopyMoved", Level = LogLevel.Information,
        Message = "Moved a credential from a plaintext file in {Directory} into the OS keyring.")]
    public static partial void PlaintextCopyMoved(this ILogger logger, string directory);

    [LoggerMessage(EventId = 604, EventName = "KeyringUnreadable", Level = LogLevel.Warning,
        Message = "The OS keyring could not be read ({Reason}); credentials kept only there are treated as absent because AllowPlaintextFallback is set.")]
    public static partial void KeyringUnreadable(this ILogger logger, string reason);
}
