using System.Net;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class BackchannelTests : IDisposable
{
    private static readonly Uri Metadata = new("https://auth.example.com/.well-known/oauth-authorization-server");
    private static readonly Uri TokenEndpoint = new(BackchannelRig.TokenUrl);

    private readonly BackchannelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task GetAsync_503Then503Then200_SucceedsWithinTheRetryBudget()
    {
        // LOAD-02: retries are timed by the injected TimeProvider
        _rig.Network.OnGet(Metadata.AbsoluteUri, FakeResponse.Status(HttpStatusCode.ServiceUnavailable), FakeResponse.Status(HttpStatusCode.ServiceUnavailable), FakeResponse.Json("{}"));

        BackchannelResponse response = await GetThroughRetriesAsync(retries: 2);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _rig.Network.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task GetAsync_ConnectionFailsOnceThen200_RetriesAfterTheReplayedFailure()
    {
        // LOAD-02: the first attempt runs outside Polly; its failure is handed to the retry pipeline, which retries once
        int attempts = 0;
        _rig.Network.On(HttpMethod.Get, Metadata.AbsoluteUri, (_, _) => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (fake)."))
            : Task.FromResult(FakeResponse.Json("{}").Create()));

        BackchannelResponse response = await GetThroughRetriesAsync(retries: 1);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            _rig.Network.Requests.Should().HaveCount(2);
            _rig.Backchannel.HasRetryPipeline.Should().BeTrue();
        }
    }

    [Fact]
    public async Task GetAsync_FirstAttemptSucceeds_BuildsNoRetryPipeline()
    {
        // Issue 13 item 5: a GET that needs no retry never builds (or JIT-compiles) the Polly pipeline
        _rig.Network.OnGet(Metadata.AbsoluteUri, FakeResponse.Json("{}"));

        BackchannelResponse response = await GetThroughRetriesAsync(retries: 0);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            _rig.Network.Requests.Should().ContainSingle();
            _rig.Backchannel.HasRetryPipeline.Should().BeFalse();
        }
    }

    [Theory]
    // LOAD-02: a transient status is retried at most twice, and the last answer is returned
    [InlineData(HttpStatusCode.TooManyRequests, 3)]
    [InlineData(HttpStatusCode.BadGateway, 3)]
    [InlineData(HttpStatusCode.GatewayTimeout, 3)]
    // any other status is not retried
    [InlineData(HttpStatusCode.NotFound, 1)]
    [InlineData(HttpStatusCode.InternalServerError, 1)]
    [InlineData(HttpStatusCode.BadRequest, 1)]
    public async Task GetAsync_SameStatusEveryTime_TransientRetriedTwiceOthersNotRetried(HttpStatusCode status, int attempts)
    {
        // LOAD-02
        _rig.Network.OnGet(Metadata.AbsoluteUri, FakeResponse.Status(status));

        BackchannelResponse response = await GetThroughRetriesAsync(retries: attempts - 1);

        response.StatusCode.Should().Be(status);
        _rig.Network.Requests.Should().HaveCount(attempts);
    }

    [Fact]
    public async Task GetAsync_ConnectionFailsEveryTime_ServerUnreachableAfterThreeAttempts()
    {
        _rig.Network.Fail(HttpMethod.Get, Metadata.AbsoluteUri);

        Func<Task> act = () => GetThroughRetriesAsync(retries: 2);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        ex.InnerException.Should().BeOfType<HttpRequestException>();
        _rig.Network.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task GetAsync_ServerNeverAnswers_TimesOutByTheInjectedClock()
    {
        // LOAD-01, §3.1: each call has its own timeout, taken from the TimeProvider
        Task arrived = HangAndSignalArrival(HttpMethod.Get, Metadata);

        Task<BackchannelResponse> call = _rig.Backchannel.GetAsync(Metadata, null, CancellationToken.None);
        await arrived.WaitAsync(TestTimeouts.Default);
        _rig.Time.Advance(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task AnyCall_CompletedCall_LeavesNoTimeoutTimerThatFiresLater(string method)
    {
        // §3.1 per-call timeout: once a call has completed, its timeout must be gone. A timer left behind fires on a disposed
        // CancellationTokenSource; with TimeProvider.System that ObjectDisposedException is unhandled on the thread pool.
        // Both paths: a discovery GET (with retries) and a POST to the token endpoint (SendOnceAsync).
        bool get = method == "GET";
        _rig.Network.On(new HttpMethod(method), (get ? Metadata : TokenEndpoint).AbsoluteUri, FakeResponse.Json("{}"));
        await (get ? GetThroughRetriesAsync(retries: 0) : PostFormAsync("authorization_code")).WaitAsync(TestTimeouts.Default);

        Action act = () => _rig.Time.Advance(TestBackchannel.Timeout + TimeSpan.FromSeconds(1));

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
        using var cts = new CancellationTokenSource();

        Task<BackchannelResponse> call = get
            ? _rig.Backchannel.GetAsync(Metadata, null, cts.Token)
            : PostFormAsync("refresh_token", cts.Token);
        await arrived.WaitAsync(TestTimeouts.Default);
        await cts.CancelAsync();
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cts.Token);
    }

    [Fact]
    public async Task GetAsync_ExtraHeaders_SentWithAcceptJson()
    {
        _rig.Network.OnGet(Metadata.AbsoluteUri, FakeResponse.Json("{}"));

        await _rig.Backchannel.GetAsync(Metadata, [new("MCP-Protocol-Version", "2025-03-26")], CancellationToken.None).WaitAsync(TestTimeouts.Default);

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
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
        _rig.Network.OnPost(TokenEndpoint.AbsoluteUri, FakeResponse.Status(status));

        BackchannelResponse response = await PostFormAsync("authorization_code").WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(status);
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task PostFormAsync_ConnectionFails_ServerUnreachableAfterOneAttempt()
    {
        // TOK-08, REF-07: no blind re-POST
        _rig.Network.Fail(HttpMethod.Post, TokenEndpoint.AbsoluteUri);

        Func<Task> act = () => PostFormAsync("refresh_token").WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task PostJsonAsync_ServiceUnavailable_SentExactlyOnce()
    {
        // REG-07: no duplicate-registration storm
        var register = new Uri("https://auth.example.com/register");
        _rig.Network.OnPost(register.AbsoluteUri, FakeResponse.Status(HttpStatusCode.ServiceUnavailable));

        BackchannelResponse response = await _rig.Backchannel.PostJsonAsync(register, "{}"u8.ToArray(), CancellationToken.None).WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        request.ContentType.Should().StartWith("application/json");
    }

    [Fact]
    public async Task PostFormAsync_ServerNeverAnswers_TimesOutOnceWithoutRetry()
    {
        // TOK-06: the code exchange fails at the timeout and is not retried
        Task arrived = HangAndSignalArrival(HttpMethod.Post, TokenEndpoint);

        Task<BackchannelResponse> call = PostFormAsync("authorization_code");
        await arrived.WaitAsync(TestTimeouts.Default);
        _rig.Time.Advance(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
        _rig.Network.Requests.Should().ContainSingle();
    }

    /// <summary>A GET of the metadata document that moves the clock to each of its <paramref name="retries"/> retry delays
    /// (LOAD-02) and then waits for the outcome.</summary>
    private async Task<BackchannelResponse> GetThroughRetriesAsync(int retries)
    {
        Task<BackchannelResponse> call = _rig.Backchannel.GetAsync(Metadata, null, CancellationToken.None);
        for (int retry = 0; retry < retries; retry++)
        {
            await _rig.Time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        }

        return await call.WaitAsync(TestTimeouts.Default);
    }

    private Task<BackchannelResponse> PostFormAsync(string grantType, CancellationToken cancellationToken = default) =>
        _rig.Backchannel.PostFormAsync(TokenEndpoint, [new("grant_type", grantType)], null, cancellationToken);

    /// <summary>The server never answers <paramref name="method"/> <paramref name="uri"/>; the task completes when the
    /// request has arrived, so a test advances the clock only once the call is waiting on it.</summary>
    private Task HangAndSignalArrival(HttpMethod method, Uri uri)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _rig.Network.OnRequest = (_, _) =>
        {
            arrived.TrySetResult();
            return Task.CompletedTask;
        };
        _rig.Network.Hang(method, uri.AbsoluteUri);
        return arrived.Task;
    }
}
