using System.Net.Http.Headers;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A request as <see cref="FakeHttpMessageHandler"/> saw it, with its body read before the sender disposed it.</summary>
public sealed record RecordedHttpRequest
{
    public required HttpMethod Method { get; init; }

    public required Uri Uri { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public AuthenticationHeaderValue? Authorization { get; init; }

    public string? ContentType { get; init; }

    public string Body { get; init; } = string.Empty;

    /// <summary>The body parsed as <c>application/x-www-form-urlencoded</c>; repeated names keep every value.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Form => ParseForm(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    private static Dictionary<string, IReadOnlyList<string>> ParseForm(string body)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = System.Net.WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : System.Net.WebUtility.UrlDecode(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out List<string>? values))
            {
                values = [];
                result[name] = values;
            }

            values.Add(value);
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }
}
