using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The client information members of RFC 7591 §3.2.1 that a registration response carries and a stored record keeps:
/// what the token endpoint needs to authenticate the client.</summary>
internal abstract class ClientInformationMembers
{
    [JsonPropertyName(OAuthWireNames.ClientId)]
    public string? ClientId { get; set; }

    /// <summary>In a stored record, only for a dynamically registered client; a configured secret is never written.</summary>
    [JsonPropertyName(OAuthWireNames.ClientSecret)]
    public string? ClientSecret { get; set; }

    /// <summary>Unix seconds; 0 or absent when the secret never expires (REG-06). Optional in a stored record, so records written
    /// before it existed read the same.</summary>
    [JsonPropertyName(OAuthWireNames.ClientSecretExpiresAt)]
    public long? ClientSecretExpiresAt { get; set; }

    [JsonPropertyName(OAuthWireNames.TokenEndpointAuthMethod)]
    public string? TokenEndpointAuthMethod { get; set; }
}
