namespace McpOAuth.Client.Tests.TestServers;

/// <summary>An access token issued by <see cref="TestAuthorizationServer"/>, with what it is bound to.</summary>
public sealed record IssuedAccessToken
{
    /// <summary>Gets the opaque token value (<c>at-…</c>).</summary>
    public required string Token { get; init; }

    /// <summary>Gets the client the token was issued to.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets the RFC 8707 resource the token is bound to, or <see langword="null"/> if none was requested.</summary>
    public string? Resource { get; init; }

    /// <summary>Gets the granted scopes.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets the grant type that produced the token (<c>authorization_code</c> or <c>refresh_token</c>).</summary>
    public required string GrantType { get; init; }

    /// <summary>Gets the identifier of the grant (token family) the token belongs to.</summary>
    public required string GrantId { get; init; }

    /// <summary>Gets when the token was issued.</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the parameters of the authorization request the grant came from (empty for other grants), e.g. Auth0's
    /// <c>audience</c>.</summary>
    public IReadOnlyDictionary<string, string> AuthorizationParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether the token was revoked.</summary>
    public bool IsRevoked { get; init; }
}
