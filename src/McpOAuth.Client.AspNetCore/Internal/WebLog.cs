using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>The log events of McpOAuth.Client.AspNetCore (8xx). None carries a code, state, token or query string.</summary>
internal static partial class WebLog
{
    [LoggerMessage(EventId = 801, EventName = "SignInRequired", Level = LogLevel.Debug,
        Message = "The user must sign in to {Resource}: sent to {AuthorizationEndpoint} (JSON 401: {Json}).")]
    public static partial void SignInRequired(this ILogger logger, string? resource, string authorizationEndpoint, bool json);

    [LoggerMessage(EventId = 802, EventName = "HostedSignInCompleted", Level = LogLevel.Information,
        Message = "A hosted sign-in to {Resource} completed.")]
    public static partial void HostedSignInCompleted(this ILogger logger, string resource);

    [LoggerMessage(EventId = 803, EventName = "HostedSignInRefused", Level = LogLevel.Warning,
        Message = "A sign-in callback was refused ({Code}); answered {StatusCode}.")]
    public static partial void HostedSignInRefused(this ILogger logger, McpOAuthErrorCode code, int statusCode);
}
