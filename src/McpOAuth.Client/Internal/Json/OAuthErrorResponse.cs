using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>An OAuth error body (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8628 §3.5); the responses that may carry one extend it.</summary>
internal class OAuthErrorResponse
{
    [JsonPropertyName(OAuthWireNames.Error)]
    public string? Error { get; set; }

    [JsonPropertyName(OAuthWireNames.ErrorDescription)]
    public string? ErrorDescription { get; set; }

    [JsonPropertyName(OAuthWireNames.ErrorUri)]
    public string? ErrorUri { get; set; }
}
