namespace McpOAuth.Client.Internal;

/// <summary>The authorization server and client a session's tokens come from.</summary>
internal sealed record AuthorizationContext(
    string Issuer,
    AuthorizationServerDocument Server,
    ClientRegistration Client,
    string? ResourceParameter);
