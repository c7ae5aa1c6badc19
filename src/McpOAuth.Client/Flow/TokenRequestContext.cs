namespace McpOAuth.Client.Internal;

/// <summary>Where and as whom a token request is made.</summary>
internal sealed record TokenRequestContext(
    Uri TokenEndpoint,
    ClientRegistration Client,
    string? Resource,
    string ResourceKey,
    IReadOnlyList<string> Scopes);
