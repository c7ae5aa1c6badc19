using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 7591 §2 client metadata sent to a registration endpoint.</summary>
internal sealed class ClientRegistrationRequestBody
{
    [JsonPropertyName(OAuthWireNames.RedirectUris)]
    public IReadOnlyList<string>? RedirectUris { get; init; }

    [JsonPropertyName(OAuthWireNames.ClientName)]
    public string? ClientName { get; init; }

    [JsonPropertyName(OAuthWireNames.ClientUri)]
    public string? ClientUri { get; init; }

    [JsonPropertyName(OAuthWireNames.GrantTypes)]
    public required IReadOnlyList<string> GrantTypes { get; init; }

    [JsonPropertyName(OAuthWireNames.ResponseTypes)]
    public IReadOnlyList<string>? ResponseTypes { get; init; }

    [JsonPropertyName(OAuthWireNames.TokenEndpointAuthMethod)]
    public required string TokenEndpointAuthMethod { get; init; }

    [JsonPropertyName(OAuthWireNames.ApplicationType)]
    public required string ApplicationType { get; init; }

    [JsonPropertyName(OAuthWireNames.Scope)]
    public string? Scope { get; init; }
}
