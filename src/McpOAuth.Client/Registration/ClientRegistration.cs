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

    /// <summary>Gets when the client secret expires (RFC 7591 §3.2.1 <c>client_secret_expires_at</c>); <see langword="null"/> when
    /// it never does (the server sent 0 or nothing) or the client has no secret.</summary>
    /// <remarks>A dynamically registered client whose secret has expired is never used again: the client registers again before a
    /// sign-in, and a refresh is not sent with it (REG-06).</remarks>
    public DateTimeOffset? ClientSecretExpiresAt { get; init; }

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

    /// <summary>Whether the client's secret has expired at an instant (REG-06); a client without a secret or expiry never does.</summary>
    internal bool IsSecretExpiredAt(DateTimeOffset now) => ClientSecret is not null && ClientSecretExpiresAt is { } expiresAt && now >= expiresAt;

    /// <summary>Returns a description without the client secret.</summary>
    /// <returns>The client id, issuer, method and kind.</returns>
    public override string ToString() =>
        $"ClientRegistration {{ ClientId = {ClientId}, Issuer = {Issuer}, TokenEndpointAuthMethod = {TokenEndpointAuthMethod}, Kind = {Kind} }}";
}
