using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 8628 §3.2 device authorization response.</summary>
internal sealed class DeviceAuthorizationResponse : OAuthErrorResponse
{
    [JsonPropertyName("device_code")]
    public string? DeviceCode { get; set; }

    [JsonPropertyName("user_code")]
    public string? UserCode { get; set; }

    [JsonPropertyName("verification_uri")]
    public string? VerificationUri { get; set; }

    [JsonPropertyName("verification_uri_complete")]
    public string? VerificationUriComplete { get; set; }

    [JsonPropertyName(OAuthWireNames.ExpiresIn)]
    public double? ExpiresIn { get; set; }

    [JsonPropertyName("interval")]
    public double? Interval { get; set; }
}
