using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>An OAuth error body (RFC 6749 §5.2, RFC 7591 §3.2.2).</summary>
internal sealed class OAuthErrorResponse
{
    [JsonPropertyName(OAuthWireNames.Error)]
    public string? Error { get; set; }

    [JsonPropertyName(OAuthWireNames.ErrorDescription)]
    public string? ErrorDescription { get; set; }

    [JsonPropertyName(OAuthWireNames.ErrorUri)]
    public string? ErrorUri { get; set; }
}
