using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Polly;
using Polly.Retry;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Every call to an authorization server or metadata endpoint: a per-call timeout, capped body reads, no redirects followed,
/// and retries only for safe GETs (never for a code exchange, a refresh or a registration).
/// </summary>
internal sealed class Backchannel
{
    private readonly Func<HttpClient> _httpClient;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private ResiliencePipeline<BackchannelResponse>? _retryPipeline;

    public Backchannel(Func<HttpClient> httpClient, TimeProvider time, TimeSpan timeout)
    {
        _httpClient = httpClient;
        _time = time;
        _timeout = timeout;
    }

    /// <summary>Whether a GET has needed a retry yet, and so whether the retry pipeline has been built.</summary>
    internal bool HasRetryPipeline => Volatile.Read(ref _retryPipeline) is not null;

    /// <summary>A GET with up to two retries on network errors, 429 and 502-504, all within one timeout.</summary>
    /// <remarks>The first attempt runs without Polly; the retry pipeline is built, and handed that attempt's outcome as its own
    /// first, only when the attempt needs retrying. Most GETs succeed at once, so a first sign-in (and a process that never
    /// signs in) pays nothing for the pipeline: building it, and Polly validating its options, was about a third of the
    /// library's first-use JIT work (docs/benchmarks.md).</remarks>
    public async Task<BackchannelResponse> GetAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        using TimeoutScope timeout = StartTimeout(cancellationToken);
        try
        {
            BackchannelResponse first;
            try
            {
                first = await SendGetAsync(uri, headers, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                return await RetryAsync(new FirstAttempt(uri, headers, null, ex), timeout.Token).ConfigureAwait(false);
            }

            return IsTransient(first.StatusCode)
                ? await RetryAsync(new FirstAttempt(uri, headers, first, null), timeout.Token).ConfigureAwait(false)
                : first;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(uri);
        }
        catch (OperationCanceledException ex) when (ex.CancellationToken != cancellationToken)
        {
            throw CallerCanceled(ex, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(uri, ex);
        }
    }

    /// <summary>A form POST, sent once (RFC 6749 §4.1.2: a code works once; RFC 9700 §4.14.2: refresh tokens rotate).</summary>
    public async Task<BackchannelResponse> PostFormAsync(
        Uri uri,
        IEnumerable<KeyValuePair<string, string>> form,
        AuthenticationHeaderValue? authorization,
        CancellationToken cancellationToken,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = authorization;
        if (headers is not null)
        {
            foreach (KeyValuePair<string, string> header in headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A JSON POST, sent once (a registration retried blindly could create a duplicate client).</summary>
    public async Task<BackchannelResponse> PostJsonAsync(Uri uri, byte[] json, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An unauthenticated MCP request (a JSON-RPC ping) whose only purpose is the server's challenge.</summary>
    public async Task<BackchannelResponse> ProbeAsync(Uri serverUri, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, serverUri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BackchannelResponse> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using TimeoutScope timeout = StartTimeout(cancellationToken);
        try
        {
            return await SendCoreAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(request.RequestUri!);
        }
        catch (OperationCanceledException ex) when (ex.CancellationToken != cancellationToken)
        {
            throw CallerCanceled(ex, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(request.RequestUri!, ex);
        }
    }

    private async Task<BackchannelResponse> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri sent = request.RequestUri!;
        using HttpResponseMessage response = await _httpClient()
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        // NET-04, NET-05 whatever the handler: an answer from another URL than the one asked (a followed redirect) is never used.
        if ((response.RequestMessage ?? request).RequestUri is not { } answered || !Uri.Equals(answered, sent))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsecureEndpoint,
                $"The call to {sent.GetLeftPart(UriPartial.Path)} was redirected to another URL; redirects are never followed for OAuth calls.");
        }
        byte[] body = await BoundedContent.ReadAsync(response.Content, McpOAuthDefaults.MaxResponseBytes, cancellationToken)
            .ConfigureAwait(false);
        // The raw values: the typed parser would drop or reshape challenges it does not understand.
        IReadOnlyList<string> challenges = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out HeaderStringValues values)
            ? [.. values]
            : [];
        string? nonce = response.Headers.TryGetValues("DPoP-Nonce", out IEnumerable<string>? nonces) ? nonces.FirstOrDefault() : null;
        return new BackchannelResponse(response.StatusCode, body, BoundedContent.IsJson(response.Content))
        {
            WwwAuthenticate = challenges,
            DpopNonce = nonce,
        };
    }

    private async Task<BackchannelResponse> SendGetAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (headers is not null)
        {
            foreach (KeyValuePair<string, string> header in headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The retries after a transient first attempt: Polly replays that attempt's outcome as its own first, so the
    /// attempts, delays and jitter are exactly those of one pipeline run (a request is built anew for each attempt).</summary>
    private async Task<BackchannelResponse> RetryAsync(FirstAttempt first, CancellationToken cancellationToken)
    {
        ResiliencePipeline<BackchannelResponse> pipeline = LazyInitializer.EnsureInitialized(ref _retryPipeline, () => BuildRetryPipeline(_time));
        return await pipeline.ExecuteAsync(
            static async (state, token) => state.first.TryTake(out BackchannelResponse? replayed)
                ? replayed
                : await state.self.SendGetAsync(state.first.Uri, state.first.Headers, token).ConfigureAwait(false),
            (self: this, first),
            cancellationToken).ConfigureAwait(false);
    }

    private static ResiliencePipeline<BackchannelResponse> BuildRetryPipeline(TimeProvider time) =>
        new ResiliencePipelineBuilder<BackchannelResponse> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<BackchannelResponse>
            {
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(4),
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .Build();

    /// <summary>The outcome of a GET's first attempt, replayed once to the retry pipeline.</summary>
    private sealed class FirstAttempt(Uri uri, IReadOnlyList<KeyValuePair<string, string>>? headers, BackchannelResponse? response, HttpRequestException? error)
    {
        private int _taken;

        public Uri Uri => uri;

        public IReadOnlyList<KeyValuePair<string, string>>? Headers => headers;

        /// <summary>The first attempt's response on the first call (its exception is rethrown), nothing after.</summary>
        public bool TryTake([NotNullWhen(true)] out BackchannelResponse? replayed)
        {
            replayed = null;
            if (Interlocked.Exchange(ref _taken, 1) != 0)
            {
                return false;
            }

            if (error is not null)
            {
                ExceptionDispatchInfo.Throw(error);
            }

            replayed = response!;
            return true;
        }
    }

    private TimeoutScope StartTimeout(CancellationToken cancellationToken) => new(_timeout, _time, cancellationToken);

    /// <summary>A per-call timeout from the injected clock, linked with the caller's token; disposing it stops the timer.</summary>
    private sealed class TimeoutScope : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public TimeoutScope(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    private static bool IsTransient(Outcome<BackchannelResponse> outcome) =>
        outcome.Exception is HttpRequestException || (outcome.Result is { } result && IsTransient(result.StatusCode));

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The caller gave up (Ctrl+C): an <see cref="OperationCanceledException"/> carrying the caller's own token, as
    /// callers check it, never the linked token the per-call timeout shares; only the library's own timeout is a timeout.</summary>
    private static OperationCanceledException CallerCanceled(OperationCanceledException ex, CancellationToken cancellationToken) =>
        new(ex.Message, ex, cancellationToken);

    private static McpOAuthException TimedOut(Uri uri) =>
        new(McpOAuthErrorCode.Timeout, $"The call to {uri.GetLeftPart(UriPartial.Path)} did not complete in time.");

    private static McpOAuthException Unreachable(Uri uri, HttpRequestException ex) =>
        new(McpOAuthErrorCode.ServerUnreachable, $"The call to {uri.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", ex);
}
