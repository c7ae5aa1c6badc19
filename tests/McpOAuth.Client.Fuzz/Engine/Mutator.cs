using System.Text;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>
/// The input generator of a target: mutated corpus seeds, mutated structured inputs, structured inputs and raw bytes.
/// Every choice is drawn from CsCheck's PCG stream, so a failing input shrinks towards its unmutated seed.
/// </summary>
internal static class Mutator
{
    private const int KindCount = 11;

    // Bytes that change how a parser reads what follows.
    private static readonly byte[] Interesting =
        "\0\t\n\r \"#%&'+,-./:;<=>?@[\\]^_`{|}~\u007f"u8.ToArray().Concat(new byte[] { 0x80, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xFF }).ToArray();

    private static readonly string[] CommonTokens =
    [
        "\"", "\\\"", "\\u0000", "\\ud800", "\\u001b[31m", "\r\n", "%00", "%0d%0a", "%ZZ", "%", "+", "=", "&", ",", " ",
        "null", "true", "false", "0", "-1", "1e400", "-0", "9223372036854775808", "NaN", "[]", "{}", "[[[[[[[[", "{\"a\":",
        "https://", "http://127.0.0.1:1/", "javascript:alert(1)", "data:,x", "file:///etc/passwd", "https://user:pw@h/",
        "#frag", "?q=1", "\u202e", "\ufeff", "\u00e9", "\ud83d\ude00",
    ];

    private static readonly Gen<Mutation> Op = Gen.Select(
        Gen.Int[0, KindCount - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Int[0, int.MaxValue],
        (kind, position, length, choice) => new Mutation(kind, position, length, choice));

    public static Gen<byte[]> For(FuzzTarget target, IReadOnlyList<byte[]> seeds)
    {
        byte[][] tokens = [.. target.Dictionary.Concat(CommonTokens).Select(Encoding.UTF8.GetBytes)];
        int max = target.MaxInputLength;
        var parts = new List<(int, IGen<byte[]>)>();
        if (seeds.Count > 0)
        {
            parts.Add((6, Gen.Select(
                Gen.Int[0, seeds.Count - 1], Op.Array[0, 8], Gen.Int[0, seeds.Count - 1],
                (i, ops, j) => Apply(seeds[i], ops, tokens, seeds[j], max))));
            parts.Add((1, Gen.Int[0, seeds.Count - 1].Select(i => seeds[i])));
        }

        if (target.Structured is { } structured)
        {
            parts.Add((3, structured));
            parts.Add((2, Gen.Select(structured, Op.Array[1, 4], (input, ops) => Apply(input, ops, tokens, input, max))));
        }

        parts.Add((1, Gen.Byte.Array[0, 256]));
        return Gen.Frequency([.. parts]);
    }

    private static byte[] Apply(byte[] seed, Mutation[] ops, byte[][] tokens, byte[] other, int max)
    {
        var data = new List<byte>(seed);
        foreach (Mutation op in ops)
        {
            ApplyOne(data, op, tokens, other);
            if (data.Count > max)
            {
                data.RemoveRange(max, data.Count - max);
            }
        }

        return [.. data];
    }

    private static void ApplyOne(List<byte> data, Mutation op, byte[][] tokens, byte[] other)
    {
        int at = data.Count == 0 ? 0 : op.Position % (data.Count + 1);
        int inside = data.Count == 0 ? 0 : op.Position % data.Count;
        int length = Math.Min(op.Length, data.Count - at);
        byte[] token = tokens[op.Choice % tokens.Length];
        switch (op.Kind)
        {
            case 0 when data.Count > 0:
                data[inside] ^= (byte)(1 << (op.Choice % 8)); // flip a bit
                break;
            case 1 when data.Count > 0:
                data[inside] = (byte)op.Choice; // set a byte
                break;
            case 2 when data.Count > 0:
                data[inside] = Interesting[op.Choice % Interesting.Length];
                break;
            case 3:
                data.Insert(at, Interesting[op.Choice % Interesting.Length]);
                break;
            case 4:
                data.RemoveRange(at, length); // delete a range
                break;
            case 5:
                Repeat(data, at, Math.Max(1, length), 1 + (op.Choice % 64)); // duplicate a range up to 64 times
                break;
            case 6:
                data.InsertRange(at, token);
                break;
            case 7:
                data.RemoveRange(at, length);
                data.InsertRange(at, token);
                break;
            case 8:
                // Splice: this input's prefix, another seed's suffix.
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.Skip(op.Choice % (other.Length + 1)));
                break;
            case 9:
                data.RemoveRange(at, data.Count - at); // truncate
                break;
            default:
                data.Insert(at, (byte)op.Choice);
                break;
        }
    }

    private static void Repeat(List<byte> data, int at, int length, int times)
    {
        if (at + length > data.Count)
        {
            return;
        }

        byte[] slice = [.. data.GetRange(at, length)];
        for (int i = 0; i < times; i++)
        {
            data.InsertRange(at, slice);
        }
    }

    private readonly record struct Mutation(int Kind, int Position, int Length, int Choice);
}
