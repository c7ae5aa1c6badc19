using System.Globalization;
using System.Text;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>The token sets <c>McpOAuth.Client.StoreWriter</c> writes: every field of generation N is derived from N, so a
/// reader can tell one complete generation from a mix or a torn file.</summary>
/// <remarks>Compiled into the tests and, linked, into the StoreWriter, so both sides agree on what a generation is.</remarks>
internal static class StoreGenerations
{
    /// <summary>About 64 KiB per file, so a write takes long enough for kills to land inside it.</summary>
    public const int PaddingLength = 64 * 1024;

    public static readonly TokenStoreKey Key = new("http://127.0.0.1:9/store-writer/mcp", "http://127.0.0.1:8", "store-writer-client");

    /// <summary>The key of entry <paramref name="index"/> of a writer tagged <paramref name="tag"/>: one server each.</summary>
    public static TokenStoreKey KeyFor(string tag, int index) =>
        Key with { Resource = string.Create(CultureInfo.InvariantCulture, $"https://{tag}-{index}.example/mcp") };

    private static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TokenSet Create(long generation) => new()
    {
        AccessToken = string.Create(CultureInfo.InvariantCulture, $"at.{generation}.{Padding(generation)}"),
        TokenType = "Bearer",
        RefreshToken = string.Create(CultureInfo.InvariantCulture, $"rt.{generation}"),
        ObtainedAt = Epoch.AddSeconds(generation),
        ExpiresAt = Epoch.AddSeconds(generation + 3600),
        Scopes = [string.Create(CultureInfo.InvariantCulture, $"gen:{generation}"), "mcp:read"],
        Resource = Key.Resource,
        Issuer = Key.Issuer,
        ClientId = Key.ClientId,
        DpopKey = string.Create(CultureInfo.InvariantCulture, $"dpop-private-key.{generation}"),
        Registration = new ClientRegistration
        {
            ClientId = Key.ClientId,
            ClientSecret = string.Create(CultureInfo.InvariantCulture, $"secret.{generation}"),
            TokenEndpointAuthMethod = "client_secret_basic",
            Issuer = Key.Issuer,
            RedirectUris = [string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{1024 + (generation % 60000)}/callback")],
            Kind = ClientRegistrationKind.Dynamic,
        },
    };

    /// <summary>The generation a token set claims through its refresh token, or <see langword="null"/> if it names none.</summary>
    public static long? GenerationOf(TokenSet tokens) =>
        tokens.RefreshToken is { } refresh && refresh.StartsWith("rt.", StringComparison.Ordinal)
        && long.TryParse(refresh.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out long generation)
            ? generation
            : null;

    private static string Padding(long generation)
    {
        string unit = generation.ToString("x16", CultureInfo.InvariantCulture);
        var builder = new StringBuilder(PaddingLength);
        while (builder.Length < PaddingLength)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }
}
