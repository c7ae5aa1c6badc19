using System.Text;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>Prints inputs readably in findings: printable ASCII as is, everything else escaped.</summary>
internal static class Printer
{
    private const int MaxPrinted = 2048;

    public static string Print(byte[] input) =>
        $"{input.Length} bytes: \"{Escape(Encoding.Latin1.GetString(input, 0, Math.Min(input.Length, MaxPrinted)))}\"" +
        (input.Length > MaxPrinted ? " …" : string.Empty);

    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '"' => sb.Append("\\\""),
                '\r' => sb.Append("\\r"),
                '\n' => sb.Append("\\n"),
                _ when c is >= ' ' and < (char)0x7F => sb.Append(c),
                _ => sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
            };
        }

        return sb.ToString();
    }
}
