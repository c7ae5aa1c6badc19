using System.Net;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Parses and builds <c>application/x-www-form-urlencoded</c> text with case-sensitive keys.</summary>
internal static class FormEncoding
{
    public static Dictionary<string, StringValues> Parse(string? text)
    {
        var result = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        var span = text.StartsWith('?') ? text[1..] : text;
        foreach (var pair in span.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            result[name] = result.TryGetValue(name, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
        }

        return result;
    }

    /// <summary>Decodes one form-encoded component (<c>+</c> is a space), as RFC 6749 §2.3.1 requires for Basic credentials.</summary>
    public static string Decode(string value) => WebUtility.UrlDecode(value);

    /// <summary>Appends parameters to a URI that may already have a query string.</summary>
    public static string AppendQuery(string uri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var builder = new StringBuilder(uri);
        var separator = uri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }
}
