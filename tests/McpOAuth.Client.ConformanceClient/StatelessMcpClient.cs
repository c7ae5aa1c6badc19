using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.ConformanceClient;

/// <summary>
/// The stateless MCP 2026-07-28 wire (SEP-2575), just enough for the suite: no initialize; every POST carries the
/// MCP-Protocol-Version header and params._meta with the protocol version and client capabilities.
/// </summary>
internal sealed class StatelessMcpClient
{
    public const string ProtocolVersion = "2026-07-28";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private int _nextId;

    public StatelessMcpClient(HttpClient http, Uri endpoint)
    {
        _http = http;
        _endpoint = endpoint;
    }

    public Task<JsonNode> ListToolsAsync(CancellationToken cancellationToken) =>
        SendAsync("tools/list", new JsonObject(), cancellationToken);

    public Task<JsonNode> CallToolAsync(string name, CancellationToken cancellationToken) =>
        SendAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = new JsonObject() }, cancellationToken);

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        parameters["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = ProtocolVersion,
            ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
            ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "mcp-oauth-conformance", ["version"] = "1.0.0" },
        };
        var message = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = parameters,
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", ProtocolVersion);

        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} failed with HTTP {(int)response.StatusCode}: {Truncate(body)}");
        }

        JsonNode reply = ParseReply(body, response.Content.Headers.ContentType?.MediaType);
        if (reply["error"] is JsonNode error)
        {
            throw new InvalidOperationException($"{method} returned a JSON-RPC error: {Truncate(error.ToJsonString())}");
        }

        return reply["result"] ?? throw new InvalidOperationException($"{method} returned no result.");
    }

    private static JsonNode ParseReply(string body, string? mediaType)
    {
        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            foreach (string line in body.Split('\n'))
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    return JsonNode.Parse(line[5..].Trim()) ?? throw new JsonException("Empty SSE data.");
                }
            }

            throw new JsonException("The event stream carried no data.");
        }

        return JsonNode.Parse(body) ?? throw new JsonException("Empty JSON body.");
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
