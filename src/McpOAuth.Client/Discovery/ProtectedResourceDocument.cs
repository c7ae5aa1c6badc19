using System.Text.Json;
using System.Text.Json.Serialization;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>OAuth 2.0 Protected Resource Metadata published by an MCP server (RFC 9728 §2).</summary>
/// <remarks>URL members are kept as the exact strings the server sent: the <c>resource</c> value is echoed byte for byte in
/// the RFC 8707 <c>resource</c> parameter, and .NET's <see cref="Uri"/> would add a trailing slash to an origin.</remarks>
public sealed record ProtectedResourceDocument
{
    /// <summary>Gets the protected resource's identifier.</summary>
    [JsonPropertyName(OAuthWireNames.Resource)]
    public string? Resource { get; init; }

    /// <summary>Gets the issuer identifiers of the authorization servers that issue tokens for this resource.</summary>
    [JsonPropertyName(OAuthWireNames.AuthorizationServers)]
    public IReadOnlyList<string>? AuthorizationServers { get; init; }

    /// <summary>Gets the scopes the resource uses in authorization requests.</summary>
    [JsonPropertyName(OAuthWireNames.ScopesSupported)]
    public IReadOnlyList<string>? ScopesSupported { get; init; }

    /// <summary>Gets the ways the resource accepts bearer tokens.</summary>
    [JsonPropertyName(OAuthWireNames.BearerMethodsSupported)]
    public IReadOnlyList<string>? BearerMethodsSupported { get; init; }

    /// <summary>Gets the human-readable name of the resource; untrusted text.</summary>
    [JsonPropertyName(OAuthWireNames.ResourceName)]
    public string? ResourceName { get; init; }

    /// <summary>Gets or sets the members the library does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
