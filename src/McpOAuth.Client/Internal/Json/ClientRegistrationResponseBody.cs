using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 7591 §3.2.1 registration response.</summary>
internal sealed class ClientRegistrationResponseBody
{
    [JsonPropertyName(OAuthWireNames.ClientId)]
    public string? ClientId { get; set; }

    [JsonPropertyName(OAuthWireNames.ClientSecret)]
    public string? ClientSecret { get; set; }

    [JsonPropertyName(OAuthWireNames.ClientSecretExpiresAt)]
    public long? ClientSecretExpiresAt { get; set; }

    [JsonPropertyName(OAuthWireNames.TokenEndpointAuthMethod)]
    public string? TokenEndpointAuthMethod { get; set; }

    [JsonPropertyName(OAuthWireNames.RedirectUris)]
    public IReadOnlyList<string>? RedirectUris { get; set; }

    [JsonPropertyName(OAuthWireNames.GrantTypes)]
    public IReadOnlyList<string>? GrantTypes { get; set; }
}
