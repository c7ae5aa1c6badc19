using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>A thread-safe, append-only log of the requests a test server received.</summary>
internal sealed class RequestLog
{
    private const int MaxRecordedBodyBytes = 1 << 20;

    private static long s_sequence;

    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _entries = [];
    private readonly Func<TimeProvider> _timeProvider;

    public RequestLog(Func<TimeProvider> timeProvider) => _timeProvider = timeProvider;

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public IReadOnlyList<RecordedRequest> To(string path) =>
        [.. Snapshot().Where(r => string.Equals(r.Path, path, StringComparison.Ordinal))];

    /// <summary>Records the request, lets <paramref name="dispatch"/> answer it, then records the status it answered
    /// with (500 when it threw before a response started).</summary>
    public async Task HandleAsync(HttpContext context, Func<HttpContext, RecordedRequest, Task> dispatch)
    {
        var (index, recorded) = await RecordAsync(context);
        var completed = false;
        try
        {
            await dispatch(context, recorded);
            completed = true;
        }
        finally
        {
            Complete(index, completed || context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>Reads and records the request, rewinds its body for later readers, and returns its log index.</summary>
    private async Task<(int Index, RecordedRequest Request)> RecordAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        var body = await ReadCappedAsync(request.Body, context.RequestAborted);
        request.Body.Position = 0;

        var contentType = request.ContentType;
        var isForm = contentType is not null
            && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        var headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value;
        }

        var authorization = request.Headers.Authorization;
        var recorded = new RecordedRequest
        {
            Sequence = Interlocked.Increment(ref s_sequence),
            Timestamp = _timeProvider().GetUtcNow(),
            Method = request.Method,
            Path = (request.PathBase + request.Path).Value ?? string.Empty,
            QueryString = request.QueryString.Value ?? string.Empty,
            Query = FormEncoding.Parse(request.QueryString.Value),
            Form = isForm ? FormEncoding.Parse(body) : new Dictionary<string, StringValues>(),
            Headers = headers,
            Body = body,
            ContentType = contentType,
            Authorization = authorization.Count == 0 ? null : authorization.ToString(),
            JsonRpcMethod = TryGetJsonRpcMethod(contentType, body),
        };
        context.Items[typeof(RecordedRequest)] = recorded;

        lock (_gate)
        {
            _entries.Add(recorded);
            return (_entries.Count - 1, recorded);
        }
    }

    private void Complete(int index, int statusCode)
    {
        lock (_gate)
        {
            _entries[index] = _entries[index] with { StatusCode = statusCode };
        }
    }

    private static async Task<string> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < MaxRecordedBodyBytes
            && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, MaxRecordedBodyBytes - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? TryGetJsonRpcMethod(string? contentType, string body)
    {
        if (body.Length == 0 || contentType is null || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject json
                && json["method"] is JsonValue method
                && method.TryGetValue<string>(out var name)
                ? name
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
