using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>One HTTP request received by a test server, as it arrived on the wire.</summary>
/// <remarks>
/// <see cref="Query"/> and <see cref="Form"/> are parsed with ordinal (case-sensitive) keys and keep repeated
/// parameters; <see cref="Headers"/> uses case-insensitive keys. <see cref="StatusCode"/> is <see langword="null"/>
/// while the request is still being handled.
/// </remarks>
public sealed record RecordedRequest
{
    private static readonly IReadOnlyDictionary<string, StringValues> Empty = new Dictionary<string, StringValues>();

    /// <summary>Gets a number that orders requests across every test server in the process.</summary>
    public long Sequence { get; init; }

    /// <summary>Gets when the request arrived, from the server's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the HTTP method, for example <c>GET</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the decoded request path, for example <c>/tenant1/token</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the raw query string including the leading <c>?</c>, or an empty string.</summary>
    public string QueryString { get; init; } = string.Empty;

    /// <summary>Gets the query parameters (ordinal keys, repeated values kept).</summary>
    public IReadOnlyDictionary<string, StringValues> Query { get; init; } = Empty;

    /// <summary>Gets the <c>application/x-www-form-urlencoded</c> body fields, or an empty dictionary.</summary>
    public IReadOnlyDictionary<string, StringValues> Form { get; init; } = Empty;

    /// <summary>Gets the request headers (case-insensitive keys).</summary>
    public IReadOnlyDictionary<string, StringValues> Headers { get; init; } = Empty;

    /// <summary>Gets the request body as UTF-8 text (capped at 1 MiB), or an empty string.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Gets the <c>Content-Type</c> header, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the <c>Authorization</c> header, if any.</summary>
    public string? Authorization { get; init; }

    /// <summary>Gets the JSON-RPC <c>method</c> of a JSON body, if the body is a JSON object with one.</summary>
    public string? JsonRpcMethod { get; init; }

    /// <summary>Gets the response status code, or <see langword="null"/> while the request is in flight.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the bearer token of a <c>Bearer</c> <see cref="Authorization"/> header, if any.</summary>
    public string? BearerToken =>
        Authorization is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;

    /// <summary>Gets a query parameter, with repeated values joined by commas, or <see langword="null"/>.</summary>
    /// <param name="name">The parameter name (case-sensitive).</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? QueryValue(string name) => Join(Query, name);

    /// <summary>Gets a form field, with repeated values joined by commas, or <see langword="null"/>.</summary>
    /// <param name="name">The field name (case-sensitive).</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? FormValue(string name) => Join(Form, name);

    /// <summary>Gets a header, with repeated values joined by commas, or <see langword="null"/>.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? HeaderValue(string name) => Join(Headers, name);

    /// <summary>Parses <see cref="Body"/> as JSON.</summary>
    /// <returns>The parsed node, or <see langword="null"/> if the body is empty or not JSON.</returns>
    public JsonNode? BodyAsJson()
    {
        if (Body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Join(IReadOnlyDictionary<string, StringValues> values, string name) =>
        values.TryGetValue(name, out var value) ? value.ToString() : null;
}
