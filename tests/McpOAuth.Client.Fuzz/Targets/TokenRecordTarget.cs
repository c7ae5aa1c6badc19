namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// Stored token records through the public <see cref="TokenSetSerializer.TryDeserialize"/>: it never throws; a record it reads
/// has instants in range, a defined registration kind, and survives a write and read unchanged; its DPoP key imports or is
/// refused without throwing (STORE-07).
/// </summary>
internal sealed class TokenRecordTarget : FuzzTarget
{
    public static readonly string[] Keys =
    [
        "schema_version", "access_token", "token_type", "refresh_token", "expires_at", "obtained_at", "scope", "resource", "issuer",
        "client_id", "client_secret", "token_endpoint_auth_method", "redirect_uri", "dpop_key", "partition", "registration_kind",
    ];

    public static readonly string[] Values =
    [
        .. TokenStrings.Values, "1", "Dynamic", "Preregistered", "MetadataDocument", "dynamic", "7", "-1", "Dynamic, Preregistered",
        " Dynamic", "https://mcp.example.com/mcp", "https://auth.example.com", "tenant-a",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", "not base64!", "AAAA",
    ];

    public override string Name => "token-record";

    public override string Description => "TokenSetSerializer.TryDeserialize: stored records, round trip and invariants";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":")];

    public override Gen<byte[]>? Structured => JsonGen.Object(Keys, Values);

    public override void Run(byte[] input)
    {
        if (!TokenSetSerializer.TryDeserialize(input, out TokenSet? tokens))
        {
            return;
        }

        Check(tokens);
        Properties.That(TokenSetSerializer.TryDeserialize(TokenSetSerializer.Serialize(tokens), out TokenSet? again), "a record read once is not readable after writing it back");
        Properties.That(again!.Key == tokens.Key && again.AccessToken == tokens.AccessToken && again.ExpiresAt == tokens.ExpiresAt
            && again.ObtainedAt == tokens.ObtainedAt && again.Scopes.SequenceEqual(tokens.Scopes) && SameRegistration(again.Registration, tokens.Registration),
            "the record changed in a write and read");
    }

    private static bool SameRegistration(ClientRegistration? a, ClientRegistration? b) =>
        a is null ? b is null : b is not null && (a with { RedirectUris = [] }) == (b with { RedirectUris = [] }) && a.RedirectUris.SequenceEqual(b.RedirectUris);

    public static void Check(TokenSet tokens)
    {
        Properties.That(tokens.ExpiresAt is null || tokens.ExpiresAt.Value.Year is >= 1970 and <= 9999, "expiry out of range");
        Properties.That(tokens.Registration is null || Enum.IsDefined(tokens.Registration.Kind), $"registration kind {(int?)tokens.Registration?.Kind} is not defined");
        Properties.That(tokens.Scopes.All(s => s.Length > 0), "an empty scope");
        _ = tokens.IsUsableAt(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(10));
        _ = tokens.IsUsableAt(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), TimeSpan.Zero);
        using DpopSession? dpop = DpopSession.Import(tokens.DpopKey, TimeProvider.System);
    }
}
