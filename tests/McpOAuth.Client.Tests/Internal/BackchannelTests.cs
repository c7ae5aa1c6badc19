using System.Net;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class BackchannelTests : IDisposable
{
    private static readonly Uri Metadata = new("https://auth.example.com/.well-known/oauth-authorization-server");
    private static readonly Uri TokenEndpoint = new("https://auth.example.com/token");

    private readonly FakeHttpMessageHandler _server = new();
    private readonly ObservableTimeProvider _time = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task GetAsync_503Then503Then200_SucceedsWithinTheRetryBudget()
    {
        // LOAD-02: retries are timed by the injected TimeProvider
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Status(HttpStatusCode.ServiceUnavailable), FakeResponse.Status(HttpStatusCode.ServiceUnavailable), FakeResponse.Json("{}"));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        BackchannelResponse response = await call.WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task GetAsync_ConnectionFailsOnceThen200_RetriesAfterTheReplayedFailure()
    {
        // LOAD-02: the first attempt runs outside Polly; its failure is handed to the retry pipeline, which retries once
        int attempts = 0;
        _server.On(HttpMethod.Get, Metadata.AbsoluteUri, (_, _) => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (fake)."))
            : Task.FromResult(FakeResponse.Json("{}").Create()));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        BackchannelResponse response = await call.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            _server.Requests.Should().HaveCount(2);
            backchannel.HasRetryPipeline.Should().BeTrue();
        }
    }

    [Fact]
    public async Task GetAsync_FirstAttemptSucceeds_BuildsNoRetryPipeline()
    {
        // Issue 13 item 5: a GET that needs no retry never builds (or JIT-compiles) the Polly pipeline
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Json("{}"));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        BackchannelResponse response = await backchannel.GetAsync(Metadata, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            _server.Requests.Should().ContainSingle();
            backchannel.HasRetryPipeline.Should().BeFalse();
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task GetAsync_TransientStatusThrice_ReturnsTheLastAfterTwoRetries(HttpStatusCode status)
    {
        // LOAD-02: at most two retries
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Status(status));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        BackchannelResponse response = await call.WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(status);
        _server.Requests.Should().HaveCount(3);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task GetAsync_NonTransientStatus_NotRetried(HttpStatusCode status)
    {
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Status(status));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        BackchannelResponse response = await backchannel.GetAsync(Metadata, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(status);
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetAsync_ConnectionFailsEveryTime_ServerUnreachableAfterThreeAttempts()
    {
        _server.Fail(HttpMethod.Get, Metadata.AbsoluteUri);
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        await _time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        ex.InnerException.Should().BeOfType<HttpRequestException>();
        _server.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task GetAsync_ServerNeverAnswers_TimesOutByTheInjectedClock()
    {
        // LOAD-01, §3.1: each call has its own timeout, taken from the TimeProvider
        Task arrived = HangAndSignalArrival(HttpMethod.Get, Metadata);
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await arrived.WaitAsync(TestTimeouts.Default);
        _time.Advance(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
    }

    [Fact]
    public async Task GetAsync_CompletedCall_LeavesNoTimeoutTimerThatFiresLater()
    {
        // §3.1 per-call timeout: once a call has completed, its timeout must be gone. A timer left behind fires on a disposed
        // CancellationTokenSource; with TimeProvider.System that ObjectDisposedException is unhandled on the thread pool.
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Json("{}"));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);
        await backchannel.GetAsync(Metadata, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Action act = () => _time.Advance(TestBackchannel.Timeout + TimeSpan.FromSeconds(1));

        act.Should().NotThrow();
    }

    [Fact]
    public async Task PostFormAsync_CompletedCall_LeavesNoTimeoutTimerThatFiresLater()
    {
        // As above, for the token endpoint path (SendOnceAsync).
        _server.OnPost(TokenEndpoint.AbsoluteUri, FakeResponse.Json("{}"));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);
        await backchannel.PostFormAsync(TokenEndpoint, [new("grant_type", "authorization_code")], null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        Action act = () => _time.Advance(TestBackchannel.Timeout + TimeSpan.FromSeconds(1));

        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task AnyCall_CallerCancels_OperationCanceledWithTheCallersTokenNotTimeout(string method)
    {
        // STYLE §7: cancellation (Ctrl+C) is not turned into a timeout or an McpOAuthException, and it carries the caller's
        // token, not the library's linked timeout token: a discovery GET and a POST (probe, registration, token request)
        bool get = method == "GET";
        Task arrived = HangAndSignalArrival(new HttpMethod(method), get ? Metadata : TokenEndpoint);
        Backchannel backchannel = TestBackchannel.Create(_server, _time);
        using var cts = new CancellationTokenSource();

        Task<BackchannelResponse> call = get
            ? backchannel.GetAsync(Metadata, null, cts.Token)
            : backchannel.PostFormAsync(TokenEndpoint, [new("grant_type", "refresh_token")], null, cts.Token);
        await arrived.WaitAsync(TestTimeouts.Default);
        await cts.CancelAsync();
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cts.Token);
    }

    [Fact]
    public async Task GetAsync_ExtraHeaders_SentWithAcceptJson()
    {
        _server.OnGet(Metadata.AbsoluteUri, FakeResponse.Json("{}"));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        await backchannel.GetAsync(Metadata, [new("MCP-Protocol-Version", "2025-03-26")], CancellationToken.None).WaitAsync(TestTimeouts.Default);

        RecordedHttpRequest request = _server.Requests.Should().ContainSingle().Subject;
        request.Header("MCP-Protocol-Version").Should().Be("2025-03-26");
        request.Header("Accept").Should().Contain("application/json");
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task PostFormAsync_TransientStatus_SentExactlyOnce(HttpStatusCode status)
    {
        // LOAD-02, TOK-08: a code exchange or refresh is never re-POSTed
        _server.OnPost(TokenEndpoint.AbsoluteUri, FakeResponse.Status(status));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        BackchannelResponse response = await backchannel
            .PostFormAsync(TokenEndpoint, [new("grant_type", "authorization_code")], null, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(status);
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task PostFormAsync_ConnectionFails_ServerUnreachableAfterOneAttempt()
    {
        // TOK-08, REF-07: no blind re-POST
        _server.Fail(HttpMethod.Post, TokenEndpoint.AbsoluteUri);
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Func<Task> act = () => backchannel.PostFormAsync(TokenEndpoint, [new("grant_type", "refresh_token")], null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task PostJsonAsync_ServiceUnavailable_SentExactlyOnce()
    {
        // REG-07: no duplicate-registration storm
        var register = new Uri("https://auth.example.com/register");
        _server.OnPost(register.AbsoluteUri, FakeResponse.Status(HttpStatusCode.ServiceUnavailable));
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        BackchannelResponse response = await backchannel.PostJsonAsync(register, "{}"u8.ToArray(), CancellationToken.None).WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        RecordedHttpRequest request = _server.Requests.Should().ContainSingle().Subject;
        request.ContentType.Should().StartWith("application/json");
    }

    [Fact]
    public async Task PostFormAsync_ServerNeverAnswers_TimesOutOnceWithoutRetry()
    {
        // TOK-06: the code exchange fails at the timeout and is not retried
        Task arrived = HangAndSignalArrival(HttpMethod.Post, TokenEndpoint);
        Backchannel backchannel = TestBackchannel.Create(_server, _time);

        Task<BackchannelResponse> call = backchannel.PostFormAsync(TokenEndpoint, [new("grant_type", "authorization_code")], null, CancellationToken.None);
        await arrived.WaitAsync(TestTimeouts.Default);
        _time.Advance(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
        _server.Requests.Should().ContainSingle();
    }

    /// <summary>The server never answers <paramref name="method"/> <paramref name="uri"/>; the task completes when the
    /// request has arrived, so a test advances the clock only once the call is waiting on it.</summary>
    private Task HangAndSignalArrival(HttpMethod method, Uri uri)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.OnRequest = (_, _) =>
        {
            arrived.TrySetResult();
            return Task.CompletedTask;
        };
        _server.Hang(method, uri.AbsoluteUri);
        return arrived.Task;
    }
}
