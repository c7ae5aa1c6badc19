using System.Collections.Concurrent;
using System.Net;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>
/// An in-memory HTTP server: routes by method and URL (absolute, or path and query on any host), answers each route's
/// responses in order (the last one repeats), records every request, and answers 404 to anything unrouted.
/// </summary>
public sealed class FakeHttpMessageHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<RecordedHttpRequest> _requests = new();
    private readonly List<Route> _routes = [];
    private readonly object _lock = new();

    /// <summary>Called for every request after it is recorded and before it is answered.</summary>
    public Func<RecordedHttpRequest, CancellationToken, Task>? OnRequest { get; set; }

    public IReadOnlyList<RecordedHttpRequest> Requests => [.. _requests];

    /// <summary>The absolute URLs of every request, in order.</summary>
    public IReadOnlyList<string> RequestedUris => [.. _requests.Select(r => r.Uri.AbsoluteUri)];

    public FakeHttpMessageHandler OnGet(string target, params FakeResponse[] responses) => On(HttpMethod.Get, target, responses);

    public FakeHttpMessageHandler OnPost(string target, params FakeResponse[] responses) => On(HttpMethod.Post, target, responses);

    public FakeHttpMessageHandler On(HttpMethod method, string target, params FakeResponse[] responses)
    {
        if (responses.Length == 0)
        {
            throw new ArgumentException("At least one response is needed.", nameof(responses));
        }

        var queue = new Queue<FakeResponse>(responses);
        return On(method, target, (_, _) =>
        {
            lock (queue)
            {
                FakeResponse next = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
                return Task.FromResult(next.Create());
            }
        });
    }

    public FakeHttpMessageHandler On(HttpMethod method, string target, Func<RecordedHttpRequest, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        lock (_lock)
        {
            _routes.Add(new Route(method, target, respond));
        }

        return this;
    }

    /// <summary>A route whose response never arrives; the request only ends when it is cancelled.</summary>
    public FakeHttpMessageHandler Hang(HttpMethod method, string target) =>
        On(method, target, async (_, cancellationToken) =>
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => never.TrySetCanceled(cancellationToken)))
            {
                return await never.Task;
            }
        });

    /// <summary>A route that fails like a refused connection.</summary>
    public FakeHttpMessageHandler Fail(HttpMethod method, string target) =>
        On(method, target, (_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (fake).")));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        var recorded = new RecordedHttpRequest
        {
            Method = request.Method,
            Uri = request.RequestUri!,
            Headers = headers,
            Authorization = request.Headers.Authorization,
            ContentType = request.Content?.Headers.ContentType?.ToString(),
            Body = body,
        };
        _requests.Enqueue(recorded);

        if (OnRequest is { } hook)
        {
            await hook(recorded, cancellationToken);
        }

        Route? route;
        lock (_lock)
        {
            route = _routes.LastOrDefault(r => r.Matches(request.Method, request.RequestUri!));
        }

        HttpResponseMessage response = route is null
            ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) }
            : await route.Respond(recorded, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    private sealed record Route(HttpMethod Method, string Target, Func<RecordedHttpRequest, CancellationToken, Task<HttpResponseMessage>> Respond)
    {
        public bool Matches(HttpMethod method, Uri uri)
        {
            if (method != Method)
            {
                return false;
            }

            return Target.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                ? string.Equals(uri.AbsoluteUri, new Uri(Target).AbsoluteUri, StringComparison.Ordinal)
                : string.Equals(uri.PathAndQuery, Target, StringComparison.Ordinal);
        }
    }
}
