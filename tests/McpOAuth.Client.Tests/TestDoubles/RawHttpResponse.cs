namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A parsed HTTP/1.1 response read off a raw socket.</summary>
public sealed record RawHttpResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}
