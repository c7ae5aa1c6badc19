using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>A token endpoint response, success or error (RFC 6749 §5.1, §5.2).</summary>
internal sealed class TokenEndpointResponse : OAuthErrorResponse
{
    [JsonPropertyName(OAuthWireNames.AccessToken)]
    public string? AccessToken { get; set; }

    [JsonPropertyName(OAuthWireNames.TokenType)]
    public string? TokenType { get; set; }

    [JsonPropertyName(OAuthWireNames.ExpiresIn)]
    public JsonElement? ExpiresIn { get; set; }

    [JsonPropertyName(OAuthWireNames.RefreshToken)]
    public string? RefreshToken { get; set; }

    [JsonPropertyName(OAuthWireNames.Scope)]
    public string? Scope { get; set; }

    [JsonPropertyName(OAuthWireNames.IssuedTokenType)]
    public string? IssuedTokenType { get; set; }
}
