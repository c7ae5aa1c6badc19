using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>Neutralizes server-supplied text before it reaches a log line or an exception message.</summary>
internal static class SafeText
{
    private const int MaxLength = 256;

    public static string Escape(string? value) => Escape(value, MaxLength);

    /// <summary>Escapes control characters (ESC, CR, LF, ...) and cuts <paramref name="value"/> after <paramref name="maxLength"/>
    /// characters; the CLI prints whole messages with <see cref="int.MaxValue"/>.</summary>
    public static string Escape(string? value, int maxLength)
    {
        if (value is null)
        {
            return "(none)";
        }

        var sb = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (char c in value)
        {
            // An escape is six characters: it must fit too, or the result grows past the cap (found by the fuzzer, issue 10).
            if (sb.Length + (char.IsControl(c) ? 6 : 1) > maxLength)
            {
                sb.Append('…');
                break;
            }

            if (char.IsControl(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
