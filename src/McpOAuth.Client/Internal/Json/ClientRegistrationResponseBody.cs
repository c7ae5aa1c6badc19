using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 7591 §3.2.1 registration response.</summary>
internal sealed class ClientRegistrationResponseBody : ClientInformationMembers
{
    [JsonPropertyName(OAuthWireNames.RedirectUris)]
    public IReadOnlyList<string>? RedirectUris { get; set; }

    [JsonPropertyName(OAuthWireNames.GrantTypes)]
    public IReadOnlyList<string>? GrantTypes { get; set; }
}
