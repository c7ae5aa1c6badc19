namespace McpOAuth.Client;

/// <summary>A stored login as <see cref="IMcpOAuthProvider.ListLoginsAsync"/> reports it: whose, where, until when; never a secret.</summary>
public sealed record McpOAuthLogin
{
    /// <summary>Gets the key the credential is stored under.</summary>
    public required TokenStoreKey Key { get; init; }

    /// <summary>Gets the scopes granted.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets the token type: <c>Bearer</c>, or <c>DPoP</c> for a sender-constrained token.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>Gets when the access token was obtained.</summary>
    public DateTimeOffset ObtainedAt { get; init; }

    /// <summary>Gets when the access token expires; <see langword="null"/> when the server did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets whether a refresh token is held, so the login renews without a user.</summary>
    public bool CanRefresh { get; init; }

    /// <summary>Gets how the client was registered, when known.</summary>
    public ClientRegistrationKind? Registration { get; init; }

    /// <summary>Describes stored tokens without their secrets.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <returns>The login.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is <see langword="null"/>.</exception>
    public static McpOAuthLogin From(TokenSet tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new McpOAuthLogin
        {
            Key = tokens.Key,
            Scopes = tokens.Scopes,
            TokenType = tokens.TokenType,
            ObtainedAt = tokens.ObtainedAt,
            ExpiresAt = tokens.ExpiresAt,
            CanRefresh = tokens.RefreshToken is not null,
            Registration = tokens.Registration?.Kind,
        };
    }
}
