using System.Text.Json.Serialization;

namespace McpOAuth.Client.Internal;

/// <summary>The JSON written by <see cref="FileTokenStore"/>, one file per credential.</summary>
internal sealed class StoredTokenDocument : ClientInformationMembers
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schema_version")]
    public int SchemaVersion { get; set; }

    [JsonPropertyName(OAuthWireNames.AccessToken)]
    public string? AccessToken { get; set; }

    [JsonPropertyName(OAuthWireNames.TokenType)]
    public string? TokenType { get; set; }

    [JsonPropertyName(OAuthWireNames.RefreshToken)]
    public string? RefreshToken { get; set; }

    /// <summary>Unix seconds, with milliseconds as the fraction, so a stored token expires exactly when the cached one does.</summary>
    [JsonPropertyName("expires_at")]
    public double? ExpiresAt { get; set; }

    /// <summary>Unix seconds, with milliseconds as the fraction.</summary>
    [JsonPropertyName("obtained_at")]
    public double ObtainedAt { get; set; }

    [JsonPropertyName(OAuthWireNames.Scope)]
    public string? Scope { get; set; }

    [JsonPropertyName(OAuthWireNames.Resource)]
    public string? Resource { get; set; }

    [JsonPropertyName(OAuthWireNames.Issuer)]
    public string? Issuer { get; set; }

    [JsonPropertyName(OAuthWireNames.RedirectUri)]
    public string? RedirectUri { get; set; }

    /// <summary>The DPoP private key (PKCS#8, base64), protected like the tokens.</summary>
    [JsonPropertyName("dpop_key")]
    public string? DpopKey { get; set; }

    /// <summary>Absent for the default partition, so files written before partitions existed read the same.</summary>
    [JsonPropertyName("partition")]
    public string? Partition { get; set; }

    /// <summary>The endpoints the credential serves (RS-01); absent in records written before they were kept.</summary>
    [JsonPropertyName("endpoints")]
    public string[]? Endpoints { get; set; }

    [JsonPropertyName("registration_kind")]
    public string? RegistrationKind { get; set; }
}
