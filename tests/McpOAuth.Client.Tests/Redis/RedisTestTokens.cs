using System.Globalization;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>Token sets with obviously fake values for the Redis store tests; every secret names its owner and generation, so an
/// assertion can tell whose token it sees and a leak check can search for it.</summary>
internal static class RedisTestTokens
{
    private static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TokenStoreKey Key(string partition = "") =>
        new("https://mcp.example.com/mcp", "https://as.example.com", "client-1", partition);

    public static TokenSet Create(TokenStoreKey key, int generation = 1) => new()
    {
        AccessToken = string.Create(CultureInfo.InvariantCulture, $"fake-access-{key.Partition}-{generation}"),
        RefreshToken = string.Create(CultureInfo.InvariantCulture, $"fake-refresh-{key.Partition}-{generation}"),
        ObtainedAt = Epoch.AddMinutes(generation),
        ExpiresAt = Epoch.AddMinutes(generation + 60),
        Scopes = ["mcp:read", "mcp:write"],
        Resource = key.Resource,
        Issuer = key.Issuer,
        ClientId = key.ClientId,
        Partition = key.Partition,
        DpopKey = "fake-dpop-key-" + key.Partition,
        Registration = new ClientRegistration
        {
            ClientId = key.ClientId,
            ClientSecret = "fake-client-secret-" + key.Partition,
            TokenEndpointAuthMethod = "client_secret_basic",
            Issuer = key.Issuer,
            RedirectUris = ["http://127.0.0.1:4000/callback"],
            Kind = ClientRegistrationKind.Dynamic,
        },
    };
}
