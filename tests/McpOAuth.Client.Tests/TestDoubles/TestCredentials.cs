namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>Builders for the credentials a test plants in a store, serializes or prints: each test states only the values
/// it is about (and a <c>with</c> expression for the rest), not the whole object again.</summary>
public static class TestCredentials
{
    /// <summary>The example issuer of credentials that no server answers for.</summary>
    public const string Issuer = "https://auth.example.com";

    /// <summary>The example resource of credentials that no server answers for.</summary>
    public const string Resource = "https://mcp.example.com/mcp";

    /// <summary>A confidential client (<c>client_secret_basic</c>) of <see cref="Issuer"/>.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret, which a test checks is never printed or sent where it must not be.</param>
    /// <param name="kind">How the client came to be; dynamically registered unless the test says otherwise.</param>
    /// <returns>The registration.</returns>
    public static ClientRegistration SecretClient(
        string clientId,
        string clientSecret,
        ClientRegistrationKind kind = ClientRegistrationKind.Dynamic) => new()
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            TokenEndpointAuthMethod = "client_secret_basic",
            Issuer = Issuer,
            Kind = kind,
        };

    /// <summary>A credential obtained at the Unix epoch whose access token expired an hour later, as a store holds it
    /// for <paramref name="resource"/> at <paramref name="issuer"/>.</summary>
    /// <param name="accessToken">The access token.</param>
    /// <param name="resource">The resource it was issued for.</param>
    /// <param name="issuer">The issuer that issued it.</param>
    /// <param name="clientId">The client it was issued to.</param>
    /// <returns>The credential.</returns>
    public static TokenSet Expired(string accessToken, string resource, string issuer, string clientId) => new()
    {
        AccessToken = accessToken,
        ObtainedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1),
        Resource = resource,
        Issuer = issuer,
        ClientId = clientId,
    };
}
