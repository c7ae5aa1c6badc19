using System.Net;
using System.Net.Http.Headers;
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
    private readonly ResiliencePipeline<BackchannelResponse> _getPipeline;

    public Backchannel(Func<HttpClient> httpClient, TimeProvider time, TimeSpan timeout)
    {
        _httpClient = httpClient;
        _time = time;
        _timeout = timeout;
        _getPipeline = new ResiliencePipelineBuilder<BackchannelResponse> { TimeProvider = time }
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
    }

    /// <summary>A GET with up to two retries on network errors, 429 and 502-504, all within one timeout.</summary>
    public async Task<BackchannelResponse> GetAsync(Uri uri, IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        using TimeoutScope timeout = StartTimeout(cancellationToken);
        try
        {
            return await _getPipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.uri);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    if (state.headers is not null)
                    {
                        foreach (KeyValuePair<string, string> header in state.headers)
                        {
                            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                        }
                    }

                    return await state.self.SendCoreAsync(request, token).ConfigureAwait(false);
                },
                (self: this, uri, headers),
                timeout.Token).ConfigureAwait(false);
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

    private static bool IsTransient(Outcome<BackchannelResponse> outcome)
    {
        if (outcome.Exception is HttpRequestException)
        {
            return true;
        }

        return outcome.Result is { } result
            && (result.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);
    }

    /// <summary>The caller gave up (Ctrl+C): an <see cref="OperationCanceledException"/> carrying the caller's own token, as
    /// callers check it, never the linked token the per-call timeout shares; only the library's own timeout is a timeout.</summary>
    private static OperationCanceledException CallerCanceled(OperationCanceledException ex, CancellationToken cancellationToken) =>
        new(ex.Message, ex, cancellationToken);

    private static McpOAuthException TimedOut(Uri uri) =>
        new(McpOAuthErrorCode.Timeout, $"The call to {uri.GetLeftPart(UriPartial.Path)} did not complete in time.");

    private static McpOAuthException Unreachable(Uri uri, HttpRequestException ex) =>
        new(McpOAuthErrorCode.ServerUnreachable, $"The call to {uri.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", ex);
}
