using System.Text.Json.Serialization;

namespace McpOAuth.Client;

/// <summary>A client id at one authorization server, with how it authenticates at the token endpoint.</summary>
/// <remarks>Its <see cref="ToString"/> leaves out the client secret, and System.Text.Json neither writes nor reads it, so logging
/// or caching a registration as JSON leaks no secret (LOG-04). Durable stores keep a dynamically registered client's secret
/// through <see cref="TokenSetSerializer"/>.</remarks>
public sealed record ClientRegistration
{
    /// <summary>Gets the client id.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets the client secret, if the client is confidential; a secret, never written by System.Text.Json (LOG-04).</summary>
    [JsonIgnore]
    public string? ClientSecret { get; init; }

    /// <summary>Gets the token endpoint authentication method: <c>none</c>, <c>client_secret_basic</c> or <c>client_secret_post</c>.</summary>
    public required string TokenEndpointAuthMethod { get; init; }

    /// <summary>Gets the issuer the registration belongs to; it is never used with another issuer (AUTH-24).</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the registered redirect URIs.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Gets how the client id was obtained.</summary>
    public ClientRegistrationKind Kind { get; init; }

    /// <summary>Gets the grant types the registration response confirmed, or null when not known (a pre-registered client, a
    /// metadata document, or a registration read back from a store, which always asked for <c>refresh_token</c>).</summary>
    internal IReadOnlyList<string>? GrantTypes { get; init; }

    /// <summary>Returns a description without the client secret.</summary>
    /// <returns>The client id, issuer, method and kind.</returns>
    public override string ToString() =>
        $"ClientRegistration {{ ClientId = {ClientId}, Issuer = {Issuer}, TokenEndpointAuthMethod = {TokenEndpointAuthMethod}, Kind = {Kind} }}";
}
