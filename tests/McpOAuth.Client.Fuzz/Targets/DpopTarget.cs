using System.Text;
using System.Text.Json;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// What DPoP reads from servers and stores: a server's <c>DPoP-Nonce</c> (any text) goes into the next proof, which stays a
/// well-formed compact JWS whose payload carries the nonce exactly; a stored DPoP key (any text) imports or is refused
/// without throwing (RFC 9449 §4.2, §8).
/// </summary>
internal sealed class DpopTarget : FuzzTarget
{
    private static readonly Uri TokenEndpoint = new("https://auth.example.com/token");

    private readonly PerThread<DpopSession> _sessions = new(() => DpopSession.Create(TimeProvider.System));

    public override string Name => "dpop";

    public override string Description => "DpopSession.RememberNonce + CreateProof with a hostile nonce; DpopSession.Import of a stored key";

    public override IReadOnlyList<string> Dictionary => ["\"", "\\", ".", "eyJ", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", "=="];

    public override Gen<byte[]>? Structured => Gen.Frequency(
        (3, Gen.Char[' ', '~'].Array[1, 64].Select(c => Encoding.UTF8.GetBytes(new string(c)))),
        (1, Gen.String[0, 64].Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[0, 200].Select(b => Encoding.ASCII.GetBytes(Convert.ToBase64String(b)))));

    public override void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        DpopSession session = _sessions.Value;
        session.RememberNonce(TokenEndpoint, text, authorizationServer: true);
        string proof = session.CreateProof("POST", TokenEndpoint, accessToken: null, authorizationServer: true);

        string[] parts = proof.Split('.');
        Properties.That(parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(IsBase64Url)), "the proof is not a compact JWS");
        using JsonDocument payload = JsonDocument.Parse(Base64UrlDecode(parts[1]));
        Properties.That(payload.RootElement.GetProperty("nonce").GetString() == text, "the proof does not carry the nonce exactly");

        using DpopSession? imported = DpopSession.Import(text, TimeProvider.System);
    }

    public override void Dispose()
    {
        _sessions.Dispose();
        base.Dispose();
    }

    private static bool IsBase64Url(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_';

    private static byte[] Base64UrlDecode(string s)
    {
        string padded = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
