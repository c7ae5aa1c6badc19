using System.Text.Json;
using System.Text.Json.Serialization;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>Authorization server metadata (RFC 8414 §2, or OpenID Connect Discovery 1.0 §3).</summary>
/// <remarks>URL members are kept as the exact strings the server sent; <see cref="Issuer"/> is compared byte for byte
/// (RFC 8414 §3.3, RFC 9207 §2.4).</remarks>
public sealed record AuthorizationServerDocument
{
    /// <summary>Gets the issuer identifier.</summary>
    [JsonPropertyName(OAuthWireNames.Issuer)]
    public string? Issuer { get; init; }

    /// <summary>Gets the authorization endpoint URL.</summary>
    [JsonPropertyName(OAuthWireNames.AuthorizationEndpoint)]
    public string? AuthorizationEndpoint { get; init; }

    /// <summary>Gets the token endpoint URL.</summary>
    [JsonPropertyName(OAuthWireNames.TokenEndpoint)]
    public string? TokenEndpoint { get; init; }

    /// <summary>Gets the RFC 7591 dynamic client registration endpoint URL.</summary>
    [JsonPropertyName(OAuthWireNames.RegistrationEndpoint)]
    public string? RegistrationEndpoint { get; init; }

    /// <summary>Gets the RFC 7009 token revocation endpoint URL.</summary>
    [JsonPropertyName(OAuthWireNames.RevocationEndpoint)]
    public string? RevocationEndpoint { get; init; }

    /// <summary>Gets the RFC 8628 device authorization endpoint URL.</summary>
    [JsonPropertyName(OAuthWireNames.DeviceAuthorizationEndpoint)]
    public string? DeviceAuthorizationEndpoint { get; init; }

    /// <summary>Gets the scopes the server supports.</summary>
    [JsonPropertyName(OAuthWireNames.ScopesSupported)]
    public IReadOnlyList<string>? ScopesSupported { get; init; }

    /// <summary>Gets the response types the server supports.</summary>
    [JsonPropertyName(OAuthWireNames.ResponseTypesSupported)]
    public IReadOnlyList<string>? ResponseTypesSupported { get; init; }

    /// <summary>Gets the grant types the server supports.</summary>
    [JsonPropertyName(OAuthWireNames.GrantTypesSupported)]
    public IReadOnlyList<string>? GrantTypesSupported { get; init; }

    /// <summary>Gets the PKCE code challenge methods the server supports (RFC 7636).</summary>
    [JsonPropertyName(OAuthWireNames.CodeChallengeMethodsSupported)]
    public IReadOnlyList<string>? CodeChallengeMethodsSupported { get; init; }

    /// <summary>Gets the client authentication methods the token endpoint supports.</summary>
    [JsonPropertyName(OAuthWireNames.TokenEndpointAuthMethodsSupported)]
    public IReadOnlyList<string>? TokenEndpointAuthMethodsSupported { get; init; }

    /// <summary>Gets whether the server accepts Client ID Metadata Document URLs as client ids.</summary>
    [JsonPropertyName(OAuthWireNames.ClientIdMetadataDocumentSupported)]
    public bool? ClientIdMetadataDocumentSupported { get; init; }

    /// <summary>Gets whether the server sends <c>iss</c> in authorization responses (RFC 9207 §3).</summary>
    [JsonPropertyName(OAuthWireNames.AuthorizationResponseIssParameterSupported)]
    public bool? AuthorizationResponseIssParameterSupported { get; init; }

    /// <summary>Gets or sets the members the library does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
