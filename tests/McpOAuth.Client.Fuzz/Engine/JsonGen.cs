using System.Globalization;
using System.Text;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>Generates JSON objects made of a format's member names with values of every JSON type, hostile ones included.</summary>
internal static class JsonGen
{
    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "3600", "1.5", "-0", "1e400", "-1e400", "1e-400", "2147483648", "9223372036854775808", "4e18",
        "\"3600\"", "\"-5\"", "\"1e999\"", "\"Infinity\"", "\"NaN\"", "\" 60\"", "\"0x10\"", "253402300799.9999", "253402300800",
    ];

    /// <summary>An object with members drawn from <paramref name="keys"/>, values from <paramref name="strings"/> and every JSON
    /// type; sometimes a key twice, sometimes a nested value where a string is expected.</summary>
    public static Gen<byte[]> Object(IReadOnlyList<string> keys, IReadOnlyList<string> strings)
    {
        Gen<string> value = Value(strings);
        Gen<(string Key, string Value)> member = Gen.Select(Key(keys), value);
        return member.Array[0, keys.Count + 2].Select(members =>
        {
            var sb = new StringBuilder("{");
            for (int i = 0; i < members.Length; i++)
            {
                sb.Append(i == 0 ? string.Empty : ",").Append(Quote(members[i].Key)).Append(':').Append(members[i].Value);
            }

            return Encoding.UTF8.GetBytes(sb.Append('}').ToString());
        });
    }

    public static Gen<string> Value(IReadOnlyList<string> strings)
    {
        Gen<string> scalar = Gen.Frequency(
            (6, Text(strings).Select(Quote)),
            (2, Gen.OneOf(Numbers)),
            (1, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0")),
            (1, Gen.OneOf("true", "false", "null")));
        Gen<string> array = scalar.Array[0, 20].Select(items => "[" + string.Join(',', items) + "]");
        Gen<string> nested = Gen.Select(Text(strings), scalar).Array[0, 3]
            .Select(members => "{" + string.Join(',', members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}");
        return Gen.Frequency((8, scalar), (3, array), (1, nested));
    }

    /// <summary>Strings of the format (URLs, tokens, codes) or random Unicode, including control characters and lone surrogates.</summary>
    public static Gen<string> Text(IReadOnlyList<string> strings) => Gen.Frequency(
        (6, Gen.OneOf([.. strings])),
        (2, Gen.Select(Gen.OneOf([.. strings]), Gen.String[0, 8]).Select(p => p.Item1 + p.Item2)),
        (1, Gen.String[0, 40]),
        (1, Gen.Char[(char)0, (char)0x20].Array[1, 8].Select(chars => new string(chars))));

    private static Gen<string> Key(IReadOnlyList<string> keys) => Gen.Frequency(
        (12, Gen.OneOf([.. keys])),
        (1, Gen.OneOf([.. keys]).Select(k => k.ToUpperInvariant())),
        (1, Gen.String[0, 12]));

    /// <summary>A JSON string literal; lone surrogates become escapes the parser must refuse or accept, never crash on.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                _ when c < ' ' || char.IsSurrogate(c) => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }
}
