using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>Every log message of the library. None of them carries a token, code, verifier, secret or <c>state</c>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "ProtectedResourceMetadataFound", Level = LogLevel.Debug,
        Message = "Found protected resource metadata at {MetadataUri}.")]
    public static partial void ProtectedResourceMetadataFound(this ILogger logger, Uri metadataUri);

    [LoggerMessage(EventId = 102, EventName = "ProtectedResourceMetadataNotFound", Level = LogLevel.Information,
        Message = "{ServerUri} publishes no protected resource metadata; treating it as a 2025-03-26 server.")]
    public static partial void ProtectedResourceMetadataNotFound(this ILogger logger, Uri serverUri);

    [LoggerMessage(EventId = 103, EventName = "AuthorizationServerMetadataFound", Level = LogLevel.Debug,
        Message = "Found authorization server metadata at {MetadataUri}.")]
    public static partial void AuthorizationServerMetadataFound(this ILogger logger, Uri metadataUri);

    [LoggerMessage(EventId = 104, EventName = "MetadataCandidateSkipped", Level = LogLevel.Debug,
        Message = "No usable metadata at {MetadataUri} (HTTP {StatusCode}); trying the next candidate.")]
    public static partial void MetadataCandidateSkipped(this ILogger logger, Uri metadataUri, int statusCode);

    [LoggerMessage(EventId = 105, EventName = "LegacyDefaultEndpoints", Level = LogLevel.Information,
        Message = "{Issuer} publishes no authorization server metadata; using the 2025-03-26 default endpoints.")]
    public static partial void LegacyDefaultEndpoints(this ILogger logger, string issuer);

    [LoggerMessage(EventId = 107, EventName = "AuthorizationServerSkipped", Level = LogLevel.Information,
        Message = "Passed over the authorization server {Issuer} ({Reason}); trying the next one the resource lists.")]
    public static partial void AuthorizationServerSkipped(this ILogger logger, string issuer, McpOAuthErrorCode reason);

    [LoggerMessage(EventId = 108, EventName = "TenantPlaceholderIssuerAccepted", Level = LogLevel.Information,
        Message = "The metadata of {Issuer} declares its issuer with a {{tenantid}} placeholder; accepted for this configured issuer only.")]
    public static partial void TenantPlaceholderIssuerAccepted(this ILogger logger, string issuer);

    [LoggerMessage(EventId = 201, EventName = "ClientRegistered", Level = LogLevel.Information,
        Message = "Registered OAuth client {ClientId} at {RegistrationEndpoint}.")]
    public static partial void ClientRegistered(this ILogger logger, string clientId, Uri registrationEndpoint);

    [LoggerMessage(EventId = 202, EventName = "ClientRegistrationChosen", Level = LogLevel.Debug,
        Message = "Using a {Kind} client registration for {Issuer}.")]
    public static partial void ClientRegistrationChosen(this ILogger logger, ClientRegistrationKind kind, string issuer);

    [LoggerMessage(EventId = 203, EventName = "ClientRegistrationForgotten", Level = LogLevel.Information,
        Message = "Dropped the client registration for {Issuer}; the next sign-in registers again.")]
    public static partial void ClientRegistrationForgotten(this ILogger logger, string issuer);

    [LoggerMessage(EventId = 204, EventName = "ClientRegistrationStale", Level = LogLevel.Warning,
        Message = "The authorization server {Issuer} no longer knows the client {ClientId} registered earlier (invalid_client); registering again before the browser opens.")]
    public static partial void ClientRegistrationStale(this ILogger logger, string issuer, string clientId);

    [LoggerMessage(EventId = 205, EventName = "ClientSecretExpired", Level = LogLevel.Warning,
        Message = "The secret of the client {ClientId} registered at {Issuer} has expired (client_secret_expires_at); it is not used again and the client registers again, so the user signs in again.")]
    public static partial void ClientSecretExpired(this ILogger logger, string issuer, string clientId);

    [LoggerMessage(EventId = 301, EventName = "AuthorizationStarted", Level = LogLevel.Information,
        Message = "Starting authorization at {Issuer} for {Resource}.")]
    public static partial void AuthorizationStarted(this ILogger logger, string issuer, string resource);

    [LoggerMessage(EventId = 302, EventName = "CallbackRejected", Level = LogLevel.Warning,
        Message = "Rejected a request to the loopback callback: {Reason}.")]
    public static partial void CallbackRejected(this ILogger logger, string reason);

    [LoggerMessage(EventId = 303, EventName = "AuthorizationCompleted", Level = LogLevel.Information,
        Message = "Authorization at {Issuer} completed.")]
    public static partial void AuthorizationCompleted(this ILogger logger, string issuer);

    [LoggerMessage(EventId = 401, EventName = "TokenIssued", Level = LogLevel.Debug,
        Message = "The token endpoint issued tokens for grant {GrantType}.")]
    public static partial void TokenIssued(this ILogger logger, string grantType);

    [LoggerMessage(EventId = 402, EventName = "RefreshFailed", Level = LogLevel.Warning,
        Message = "Refreshing the access token failed with {Error}.")]
    public static partial void RefreshFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 403, EventName = "TokenFileIgnored", Level = LogLevel.Warning,
        Message = "Ignored token file {Path}: {Reason}.")]
    public static partial void TokenFileIgnored(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 404, EventName = "PendingTokenWriteAdopted", Level = LogLevel.Information,
        Message = "Adopted a complete pending write into {Path}: its writer stopped before renaming it, and it is newer than the file.")]
    public static partial void PendingTokenWriteAdopted(this ILogger logger, string path);

    [LoggerMessage(EventId = 405, EventName = "TokenFileTightened", Level = LogLevel.Warning,
        Message = "Token file {Path} was readable by other users; its mode is now 0600. Consider signing in again.")]
    public static partial void TokenFileTightened(this ILogger logger, string path);

    [LoggerMessage(EventId = 406, EventName = "TokenStoreWriteFailed", Level = LogLevel.Warning,
        Message = "The token store could not be written ({Code}, {Error}); the tokens serve from memory and are written again on the next renewal.")]
    public static partial void TokenStoreWriteFailed(this ILogger logger, McpOAuthErrorCode code, string error);

    [LoggerMessage(EventId = 501, EventName = "ChallengeReceived", Level = LogLevel.Debug,
        Message = "{RequestUri} answered {StatusCode} with challenge error {Error}.")]
    public static partial void ChallengeReceived(this ILogger logger, string requestUri, int statusCode, string error);

    [LoggerMessage(EventId = 502, EventName = "StepUpAuthorization", Level = LogLevel.Information,
        Message = "Re-authorizing {RequestUri} with {ScopeCount} scopes after insufficient_scope.")]
    public static partial void StepUpAuthorization(this ILogger logger, Uri requestUri, int scopeCount);

    [LoggerMessage(EventId = 106, EventName = "ResourceMetadataParameterUnusable", Level = LogLevel.Warning,
        Message = "The challenge's resource_metadata is not an https URL (or http to loopback); using the well-known URLs.")]
    public static partial void ResourceMetadataParameterUnusable(this ILogger logger);
}
