using System.Net.Http.Headers;
using System.Text;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>A bare MCP <c>initialize</c> request, for measuring the handler without the SDK's client on top.</summary>
public static class RawMcp
{
    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"McpOAuth.Client.Benchmarks","version":"1.0.0"}}}""";

    public static HttpRequestMessage Initialize(Uri endpoint)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(InitializeBody)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>Sends <c>initialize</c> and reads the whole answer; throws unless it is a 200 with a JSON-RPC result.</summary>
    public static async Task InitializeAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Initialize(endpoint);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || !body.Contains("\"result\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"initialize answered {(int)response.StatusCode}.");
        }
    }
}
