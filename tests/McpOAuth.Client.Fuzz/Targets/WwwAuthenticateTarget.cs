using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// <c>WwwAuthenticateParser.Parse</c> over raw header fields (one per input line, Latin-1 as on the wire), and a model
/// round trip: challenges built from a model, serialized with RFC 9110 quoting, parse back to the same model.
/// </summary>
internal sealed class WwwAuthenticateTarget : FuzzTarget
{
    private const string TChars = "!#$%&'*+-.^_`|~";

    public override string Name => "www-authenticate";

    public override string Description => "WwwAuthenticateParser.Parse(fields): grammar invariants, and a serialize-parse round trip of generated challenges";

    public override IReadOnlyList<string> Dictionary =>
    [
        "Bearer", "DPoP", "Basic", "Negotiate", "realm=", "resource_metadata=", "scope=", "error=", "error_description=",
        "algs=", "insufficient_scope", "invalid_token", "use_dpop_nonce", "\"", "\\", ", ", "=", "==", "\n",
    ];

    /// <summary>Serialized challenge models, each followed by a marker and the model itself (with the exact header text),
    /// so an unmutated input can be checked against what was meant.</summary>
    public override Gen<byte[]>? Structured => Model.Select(model =>
    {
        string header = string.Join('\n', model.Select(Serialize));
        byte[] json = ModelJson(header, model);
        return (byte[])[.. Encoding.Latin1.GetBytes(header + Marker), .. json, .. Encoding.ASCII.GetBytes(Marker + Checksum(json))];
    });

    private const string Marker = "\0\u0001";

    private static Gen<Field[]> Model
    {
        get
        {
            Gen<string> token = Gen.Select(Gen.Char.AlphaNumeric.Array[1, 12], Gen.OneOf(TChars.ToCharArray()), (t, c) => new string(t) + c);
            Gen<string> scheme = Gen.Frequency((3, Gen.OneOf("Bearer", "DPoP", "Basic", "bearer")), (1, token));
            Gen<string> name = Gen.Frequency(
                (3, Gen.OneOf("resource_metadata", "scope", "error", "error_description", "realm", "algs")), (1, token));
            Gen<string> value = Gen.Frequency(
                (3, Gen.OneOf("https://mcp.example.com/.well-known/oauth-protected-resource/mcp", "files:read files:write", "a,b", "invalid_token")),
                (2, Gen.Char[' ', '~'].Array[0, 30].Select(c => new string(c))),
                (1, Gen.Char[(char)0x80, (char)0xFF].Array[0, 6].Select(c => new string(c))));
            Gen<Parameter> parameter = Gen.Select(name, value, Gen.Bool, (n, v, q) => new Parameter(n, v, q));
            Gen<Challenge> challenge = Gen.Select(scheme, parameter.Array[0, 6], (s, p) => new Challenge(s, p));
            return challenge.Array[1, 4].Select(c => new Field(c)).Array[1, 3];
        }
    }

    public override void Run(byte[] input)
    {
        int marker = input.AsSpan().IndexOf(Encoding.Latin1.GetBytes(Marker));
        string header = Encoding.Latin1.GetString(input, 0, marker < 0 ? input.Length : marker);
        List<AuthChallenge> challenges = WwwAuthenticateParser.Parse(header.Split('\n'));
        foreach (AuthChallenge challenge in challenges)
        {
            Properties.That(IsToken(challenge.Scheme), $"scheme '{Printer.Escape(challenge.Scheme)}' is not an RFC 9110 token");
            Properties.That(challenge.Parameters.Count <= 64, $"{challenge.Parameters.Count} parameters kept; the cap is 64");
            foreach (KeyValuePair<string, string> parameter in challenge.Parameters)
            {
                Properties.That(IsToken(parameter.Key), $"parameter name '{Printer.Escape(parameter.Key)}' is not a token");
                _ = challenge.Get(parameter.Key);
            }
        }

        if (marker >= 0 && ExpectedFrom(input.AsSpan(marker + Marker.Length), header) is { } expected)
        {
            CheckRoundTrip(challenges, expected);
        }
    }

    private static void CheckRoundTrip(List<AuthChallenge> challenges, List<(string Scheme, List<KeyValuePair<string, string>> Parameters)> expected)
    {
        Properties.That(challenges.Count == expected.Count, $"{challenges.Count} challenges parsed, {expected.Count} sent");
        for (int i = 0; i < expected.Count; i++)
        {
            Properties.That(challenges[i].Scheme == expected[i].Scheme, $"challenge {i}: scheme '{challenges[i].Scheme}' is not '{expected[i].Scheme}'");
            Properties.That(
                challenges[i].Parameters.SequenceEqual(expected[i].Parameters),
                $"challenge {i}: parameters [{string.Join(", ", challenges[i].Parameters.Select(p => Printer.Escape(p.Key + "=" + p.Value)))}] are not the ones sent");
        }
    }

    private static string Serialize(Field field) =>
        string.Join(", ", field.Challenges.Select(c => c.Parameters.Length == 0
            ? c.Scheme
            : c.Scheme + " " + string.Join(", ", c.Parameters.Select(p => p.Name + "=" + Quote(p.Value, p.Quoted)))));

    /// <summary>A token value when it is one and quoting was not asked for; otherwise a quoted-string with escapes.</summary>
    private static string Quote(string value, bool quoted) =>
        !quoted && value.Length > 0 && IsToken(value)
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static byte[] ModelJson(string header, Field[] model)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("h", header);
            json.WriteStartArray("c");
            foreach (Challenge challenge in model.SelectMany(f => f.Challenges))
            {
                json.WriteStartArray();
                json.WriteStringValue(challenge.Scheme);
                foreach (Parameter parameter in challenge.Parameters)
                {
                    json.WriteStringValue(parameter.Name);
                    json.WriteStringValue(parameter.Value);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Checksum(ReadOnlySpan<byte> json) => Convert.ToHexString(SHA256.HashData(json))[..16];

    /// <summary>The model written after the marker, when it is intact (its checksum matches) and describes exactly this header.</summary>
    private static List<(string, List<KeyValuePair<string, string>>)>? ExpectedFrom(ReadOnlySpan<byte> rest, string header)
    {
        int end = rest.IndexOf(Encoding.ASCII.GetBytes(Marker));
        if (end < 0 || !rest[(end + Marker.Length)..].SequenceEqual(Encoding.ASCII.GetBytes(Checksum(rest[..end]))))
        {
            return null; // The model was mutated: only the invariants apply.
        }

        ReadOnlySpan<byte> json = rest[..end];
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.GetProperty("h").GetString() != header)
            {
                return null; // The header was mutated: only the invariants apply.
            }

            var expected = new List<(string, List<KeyValuePair<string, string>>)>();
            foreach (JsonElement challenge in document.RootElement.GetProperty("c").EnumerateArray())
            {
                string[] items = [.. challenge.EnumerateArray().Select(e => e.GetString()!)];
                var parameters = new List<KeyValuePair<string, string>>();
                for (int i = 1; i + 1 < items.Length; i += 2)
                {
                    parameters.Add(new(items[i], items[i + 1]));
                }

                expected.Add((items[0], parameters));
            }

            return expected;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    private sealed record Parameter(string Name, string Value, bool Quoted);

    private sealed record Challenge(string Scheme, Parameter[] Parameters);

    private sealed record Field(Challenge[] Challenges);

    internal static bool IsToken(string s) =>
        s.Length > 0 && s.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') || TChars.Contains(c, StringComparison.Ordinal));
}
