using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace McpOAuth.Client.Tests.Callback;

public sealed class LoopbackCallbackReceiverTests
{
    private const string State = "state-Zk3q9_secret";
    private const string Issuer = "https://auth.example.com";

    private readonly ObservableTimeProvider _time = new();
    private readonly CapturingLogger<LoopbackCallbackReceiver> _logger = new();
    private readonly LoopbackCallbackReceiver _receiver;

    public LoopbackCallbackReceiverTests()
    {
        _receiver = new LoopbackCallbackReceiver(_time, _logger);
    }

    [Fact]
    public async Task ListenAsync_EphemeralPort_RedirectUriIsTheLoopbackLiteralAndTheBoundPort()
    {
        // CB-02, RFC 8252 §7.3
        await using ICallbackListener listener = await ListenAsync();

        Uri redirect = listener.RedirectUri;

        using (new AssertionScope())
        {
            redirect.Scheme.Should().Be("http");
            redirect.Host.Should().Be("127.0.0.1");
            redirect.Port.Should().BeGreaterThan(0);
            redirect.AbsolutePath.Should().Be("/callback");
            redirect.Query.Should().BeEmpty();
        }

        (await RawHttp.CanConnectAsync(IPAddress.Loopback, redirect.Port)).Should().BeTrue();
    }

    [Fact]
    public async Task ListenAsync_BoundPort_NotReachableOnNonLoopbackAddresses()
    {
        // CB-01, RFC 8252 §8.3: 127.0.0.1 only
        await using ICallbackListener listener = await ListenAsync();
        IPAddress[] others = [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork), IPAddress.IPv6Loopback];

        foreach (IPAddress address in others)
        {
            (await RawHttp.CanConnectAsync(address, listener.RedirectUri.Port)).Should().BeFalse($"the listener must not accept on {address}");
        }
    }

    [Fact]
    public async Task WaitAsync_ValidCallback_ReturnsTheCodeAnd200WithSafeHeaders()
    {
        // CB-12: no-store, no-referrer, CSP default-src 'none', no Location
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        RawHttpResponse response = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=code-1&state={State}");
        CallbackResult result = await wait.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            response.StatusCode.Should().Be(200);
            response.Header("Content-Type").Should().StartWith("text/html");
            response.Header("Cache-Control").Should().Be("no-store");
            response.Header("Referrer-Policy").Should().Be("no-referrer");
            response.Header("Content-Security-Policy").Should().Contain("default-src 'none'");
            response.Header("Location").Should().BeNull();
            response.Body.Should().NotContain("code-1").And.NotContain(State);
            result.Code.Should().Be("code-1");
            result.Issuer.Should().BeNull();
        }
    }

    [Fact]
    public async Task WaitAsync_IssMatches_ReturnsItFormDecoded()
    {
        // AUTH-37: simple string comparison after form-decoding
        await using ICallbackListener listener = await ListenAsync(issRequired: true);
        Task<CallbackResult> wait = listener.WaitAsync();

        RawHttpResponse response = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=c%2B1&state={State}&iss=https%3A%2F%2Fauth.example.com");
        CallbackResult result = await wait.WaitAsync(TestTimeouts.Default);

        response.StatusCode.Should().Be(200);
        result.Code.Should().Be("c+1");
        result.Issuer.Should().Be(Issuer);
    }

    [Fact]
    public async Task WaitAsync_WrongStateThenCorrectCallback_400ThenCompletesWithTheCorrectCode()
    {
        // CB-03, AUTH-36: a forged response does not end the real sign-in
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        RawHttpResponse forged = await RawHttp.CallbackAsync(listener.RedirectUri, "code=forged-code&state=wrong-state");
        bool completedAfterForgery = wait.IsCompleted;
        RawHttpResponse genuine = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=real-code&state={State}");
        CallbackResult result = await wait.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            forged.StatusCode.Should().Be(400);
            forged.Body.Should().NotContain("forged-code").And.NotContain("wrong-state");
            completedAfterForgery.Should().BeFalse();
            genuine.StatusCode.Should().Be(200);
            result.Code.Should().Be("real-code");
        }
    }

    [Theory]
    [InlineData("code=c1")]
    [InlineData("code=c1&state=")]
    [InlineData("code=c1&state=" + State + "&state=" + State)]
    [InlineData("code=c1&code=c2&state=" + State)]
    [InlineData("code=c1&state=" + State + "x")]
    [InlineData("code=c1&STATE=" + State)]
    [InlineData("code=%ZZ%E0%A4%&state=%")]
    [InlineData("code=c1&state=" + State + "%00")]
    [InlineData("code=c1&state=" + State + "&iss=" + "https%3A%2F%2Fauth.example.com&iss=https%3A%2F%2Fauth.example.com")]
    public async Task WaitAsync_StateMissingRepeatedOrWrong_400AndTheFlowKeepsWaiting(string query)
    {
        // CB-04: missing or repeated parameters are rejected
        await AssertRejectedThenGenuineAcceptedAsync(query);
    }

    [Fact]
    public async Task WaitAsync_ValidCallbackDeliveredTwice_SecondRejectedAndOneResult()
    {
        // CB-05, RFC 9700 §4.2.4: single-use state
        await using ICallbackListener listener = await ListenAsync();

        RawHttpResponse first = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=first&state={State}");
        RawHttpResponse second = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=second&state={State}");
        CallbackResult result = await listener.WaitAsync().WaitAsync(TestTimeouts.Default);

        first.StatusCode.Should().Be(200);
        second.StatusCode.Should().Be(400);
        result.Code.Should().Be("first");
    }

    [Fact]
    public async Task WaitAsync_AccessDeniedWithValidState_AuthorizationExceptionCarryingTheServerError()
    {
        // CB-06, RFC 6749 §4.1.2.1
        (RawHttpResponse response, McpOAuthAuthorizationException ex) = await FailedCallbackAsync(
            $"error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&error_uri=https%3A%2F%2Fauth.example.com%2Fhelp&state={State}");

        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            ex.Error.Should().Be("access_denied");
            ex.ErrorDescription.Should().Be("<script>alert(1)</script>");
            ex.ErrorUri.Should().Be("https://auth.example.com/help");
            response.StatusCode.Should().BeInRange(400, 499);
        }
    }

    [Fact]
    public async Task WaitAsync_ErrorDescriptionWithScript_PageIsEscapedAndLocked()
    {
        // CB-06, CB-12: static or escaped page, Content-Type set, CSP default-src 'none'
        (RawHttpResponse response, _) = await FailedCallbackAsync(
            $"error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E%3Cimg%20src%3Dx%3E&state={State}");

        using (new AssertionScope())
        {
            response.Body.Should().NotContain("<script").And.NotContain("<img");
            response.Header("Content-Type").Should().StartWith("text/html");
            response.Header("Content-Security-Policy").Should().Contain("default-src 'none'");
            response.Header("Cache-Control").Should().Be("no-store");
            response.Header("Referrer-Policy").Should().Be("no-referrer");
            response.Header("X-Content-Type-Options").Should().Be("nosniff");
            response.Header("Location").Should().BeNull();
        }
    }

    [Fact]
    public async Task WaitAsync_ErrorResponse_PageAttributesTheServersTextAndShowsItAsText()
    {
        // Issue #4: "the page says what happened, and a hostile error_description is shown as text, not markup". This
        // overrides STYLE §8's "never echo query values": the text is shown only after state and iss matched (so it comes
        // from the authorization server of this sign-in), attributed to that server, HTML-encoded, under default-src 'none'.
        (RawHttpResponse response, _) = await FailedCallbackAsync(
            $"error=access_denied&error_description=Call%20%2B1-555-0100%20%26%20%3Cb%3Eunlock%3C%2Fb%3E&state={State}");

        using (new AssertionScope())
        {
            response.Body.Should().Contain("The authorization server returned");
            response.Body.Should().Contain("Call +1-555-0100 &amp; &lt;b&gt;unlock&lt;/b&gt;");
            response.Body.Should().NotContain("<b>");
        }
    }

    [Theory]
    [InlineData("error=access_denied&state=wrong-state")]
    [InlineData("error=access_denied")]
    public async Task WaitAsync_ErrorWithWrongOrMissingState_IgnoredAndTheFlowContinues(string query)
    {
        // CB-07, RFC 9207 §2.4
        await AssertRejectedThenGenuineAcceptedAsync(query);
    }

    [Fact]
    public async Task WaitAsync_IssFromAnotherServer_IssuerParameterMismatchAndErrorNotShown()
    {
        // CB-08, AUTH-37: on a mismatch error and error_description are neither acted on nor displayed
        (RawHttpResponse response, McpOAuthAuthorizationException ex) = await FailedCallbackAsync(
            $"error=access_denied&error_description=EvilText&iss=https%3A%2F%2Fattacker.example&state={State}");

        ex.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
        ex.Error.Should().BeNull();
        ex.ErrorDescription.Should().BeNull();
        ex.Message.Should().NotContain("EvilText");
        response.StatusCode.Should().Be(400);
        response.Body.Should().NotContain("EvilText");
    }

    [Theory]
    // CB-08: a code with iss from another server is never returned for redemption
    [InlineData("code=stolen&iss=https%3A%2F%2Fattacker.example&state=" + State, false)]
    // CB-09, RFC 9207 §2.4: iss required (authorization_response_iss_parameter_supported = true) but missing
    [InlineData("code=c1&state=" + State, true)]
    // CB-10: no trailing-slash, case folding or default-port normalization, and an empty iss is no iss
    [InlineData("code=c1&state=" + State + "&iss=https%3A%2F%2Fauth.example.com%2F", false)]
    [InlineData("code=c1&state=" + State + "&iss=https%3A%2F%2FAUTH.example.com", false)]
    [InlineData("code=c1&state=" + State + "&iss=https%3A%2F%2Fauth.example.com%3A443", false)]
    [InlineData("code=c1&state=" + State + "&iss=HTTPS%3A%2F%2Fauth.example.com", false)]
    [InlineData("code=c1&state=" + State + "&iss=", false)]
    public async Task WaitAsync_IssFromAnotherServerMissingWhenRequiredOrDifferingOnlyByNormalization_IssuerParameterMismatch(string query, bool issRequired)
    {
        // AUTH-37: simple string comparison after form-decoding
        (_, McpOAuthAuthorizationException ex) = await FailedCallbackAsync(query, issRequired);

        ex.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
    }

    [Theory]
    [InlineData("GET {path}?code=x&state={state} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n")]
    [InlineData("GET {path}?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1.nip.io:{port}\r\n\r\n")]
    [InlineData("GET {path}?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")]
    [InlineData("GET {path}?code=x&state={state} HTTP/1.1\r\n\r\n")]
    [InlineData("GET /favicon.ico?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("GET /%2e%2e/callback?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("GET /callback/?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("GET /CALLBACK?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("POST {path}?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HEAD {path}?code=x&state={state} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("GET {path}?code=x&state={state}\r\nHost: 127.0.0.1:{port}\r\n\r\n")]
    [InlineData("GARBAGE\r\n\r\n")]
    public async Task WaitAsync_WrongHostPathOrMethod_4xxAndTheFlowIsNotConsumed(string template)
    {
        // CB-11: DNS-rebinding Host, wrong path, wrong method
        RawHttpResponse rejected = await RejectedThenGenuineAcceptedAsync(listener => RawHttp.SendAsync(
            listener.RedirectUri.Port,
            template
                .Replace("{path}", listener.RedirectUri.AbsolutePath, StringComparison.Ordinal)
                .Replace("{state}", State, StringComparison.Ordinal)
                .Replace("{port}", Port(listener), StringComparison.Ordinal)));

        rejected.StatusCode.Should().BeInRange(400, 499);
    }

    [Fact]
    public async Task WaitAsync_LocalhostHostHeader_Accepted()
    {
        // A browser may follow http://localhost:port redirects; the name is a loopback alias.
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        RawHttpResponse response = await RawHttp.SendAsync(
            listener.RedirectUri.Port,
            $"GET /callback?code=c1&state={State} HTTP/1.1\r\nHost: localhost:{listener.RedirectUri.Port}\r\n\r\n");

        response.StatusCode.Should().Be(200);
        (await wait.WaitAsync(TestTimeouts.Default)).Code.Should().Be("c1");
    }

    [Fact]
    public async Task WaitAsync_HundredKilobyteHeader_431AndTheFlowContinues()
    {
        // CB-14
        RawHttpResponse big = await RejectedThenGenuineAcceptedAsync(listener => RawHttp.SendAsync(
            listener.RedirectUri.Port,
            $"GET /callback?code=x&state={State} HTTP/1.1\r\nHost: 127.0.0.1:{Port(listener)}\r\nX-Big: {new string('a', 100 * 1024)}\r\n\r\n"));

        big.StatusCode.Should().Be(431);
    }

    [Fact]
    public async Task WaitAsync_HundredKilobyteRequestLine_RejectedWith4xx()
    {
        // CB-14: 414 or 431
        await using ICallbackListener listener = await ListenAsync();

        RawHttpResponse big = await RawHttp.SendAsync(
            listener.RedirectUri.Port,
            $"GET /callback?code={new string('a', 100 * 1024)}&state={State} HTTP/1.1\r\nHost: 127.0.0.1:{listener.RedirectUri.Port}\r\n\r\n");

        big.StatusCode.Should().BeOneOf(414, 431);
    }

    [Fact]
    public async Task WaitAsync_UserNeverReturns_TimesOutByTheInjectedClockAndClosesThePort()
    {
        // CB-15, CB-20
        await using ICallbackListener listener = await ListenAsync(timeout: TimeSpan.FromMinutes(5));
        int port = listener.RedirectUri.Port;

        Task<CallbackResult> wait = listener.WaitAsync();
        _time.Advance(TimeSpan.FromMinutes(5));
        Func<Task> act = () => wait.WaitAsync(TestTimeouts.Default);

        McpOAuthAuthorizationException ex = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.Timeout);
        (await RawHttp.CanConnectAsync(IPAddress.Loopback, port)).Should().BeFalse();
    }

    [Fact]
    public async Task WaitAsync_BeforeTheTimeout_StillWaiting()
    {
        // CB-15: the timeout is the configured one, not shorter
        await using ICallbackListener listener = await ListenAsync(timeout: TimeSpan.FromMinutes(5));

        Task<CallbackResult> wait = listener.WaitAsync();
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        RawHttpResponse genuine = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=late-code&state={State}");

        genuine.StatusCode.Should().Be(200);
        (await wait.WaitAsync(TestTimeouts.Default)).Code.Should().Be("late-code");
    }

    [Fact]
    public async Task WaitAsync_Succeeded_ThePortIsClosed()
    {
        // CB-20
        await using ICallbackListener listener = await ListenAsync();
        int port = listener.RedirectUri.Port;
        Task<CallbackResult> wait = listener.WaitAsync();

        await RawHttp.CallbackAsync(listener.RedirectUri, $"code=c1&state={State}");
        await wait.WaitAsync(TestTimeouts.Default);

        (await RawHttp.CanConnectAsync(IPAddress.Loopback, port)).Should().BeFalse();
    }

    [Fact]
    public async Task WaitAsync_Cancelled_OperationCanceledAndThePortIsClosed()
    {
        // CB-15: a cancellation token closes the port promptly
        await using ICallbackListener listener = await ListenAsync();
        int port = listener.RedirectUri.Port;
        using var cts = new CancellationTokenSource();

        Task<CallbackResult> wait = listener.WaitAsync(cts.Token);
        await cts.CancelAsync();
        Func<Task> act = () => wait.WaitAsync(TestTimeouts.Default);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await RawHttp.CanConnectAsync(IPAddress.Loopback, port)).Should().BeFalse();
    }

    [Fact]
    public async Task DisposeAsync_WithoutWaiting_ClosesThePort()
    {
        // CB-20
        ICallbackListener listener = await ListenAsync();
        int port = listener.RedirectUri.Port;

        await listener.DisposeAsync();

        (await RawHttp.CanConnectAsync(IPAddress.Loopback, port)).Should().BeFalse();
    }

    [Theory]
    [InlineData("code=&state=" + State)]
    [InlineData("state=" + State)]
    [InlineData("code&state=" + State)]
    public async Task WaitAsync_EmptyOrMissingCode_400AndNoResult(string query)
    {
        // CB-18: treated as no code
        await AssertRejectedThenGenuineAcceptedAsync(query);
    }

    [Theory]
    [InlineData("access_token=injected&token_type=bearer&state=" + State)]
    [InlineData("code=c1&access_token=injected&state=" + State)]
    [InlineData("code=c1&id_token=injected&state=" + State)]
    [InlineData("code=c1&token=injected&state=" + State)]
    public async Task WaitAsync_TokensInTheFrontChannel_RejectedAndNoResult(string query)
    {
        // CB-19, RFC 9700 §2.1.2: implicit or hybrid injection
        await AssertRejectedThenGenuineAcceptedAsync(query);
    }

    /// <summary>The callback <paramref name="query"/> gets a 400 and is no result: the listener keeps waiting, and the
    /// genuine callback that follows is the one it returns.</summary>
    private async Task AssertRejectedThenGenuineAcceptedAsync(string query) =>
        (await RejectedThenGenuineAcceptedAsync(listener => RawHttp.CallbackAsync(listener.RedirectUri, query))).StatusCode.Should().Be(400);

    /// <summary>Runs <paramref name="reject"/> against a waiting listener, then delivers the genuine callback and asserts that
    /// it is the one the listener returns; gives back what <paramref name="reject"/> returned, for the caller to assert on.</summary>
    private async Task<T> RejectedThenGenuineAcceptedAsync<T>(Func<ICallbackListener, Task<T>> reject)
    {
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        T rejected = await reject(listener);
        RawHttpResponse genuine = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=real-code&state={State}");

        genuine.StatusCode.Should().Be(200);
        (await wait.WaitAsync(TestTimeouts.Default)).Code.Should().Be("real-code");
        return rejected;
    }

    /// <summary>Delivers the callback <paramref name="query"/>, which must end the sign-in with an authorization error: the
    /// page the browser got and that error.</summary>
    private async Task<(RawHttpResponse Response, McpOAuthAuthorizationException Error)> FailedCallbackAsync(string query, bool issRequired = false)
    {
        await using ICallbackListener listener = await ListenAsync(issRequired);
        Task<CallbackResult> wait = listener.WaitAsync();

        RawHttpResponse response = await RawHttp.CallbackAsync(listener.RedirectUri, query);
        Func<Task> act = () => wait.WaitAsync(TestTimeouts.Default);

        return (response, (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which);
    }

    [Fact]
    public async Task ListenAsync_ConfiguredPortTakenWithoutFallback_ClearErrorNamingThePort()
    {
        // CB-16: the occupant is never assumed to be us
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        Func<Task> act = () => _receiver.ListenAsync(Request(port: port, fallback: false));

        McpOAuthAuthorizationException ex = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        ex.Message.Should().Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ex.InnerException.Should().BeOfType<SocketException>();
    }

    [Fact]
    public async Task ListenAsync_ConfiguredPortTakenWithFallback_ListensOnAnotherPort()
    {
        // CB-16: another port if allowed
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using ICallbackListener listener = await _receiver.ListenAsync(Request(port: port, fallback: true));

        listener.RedirectUri.Port.Should().NotBe(port).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task ListenAsync_CustomPath_OnlyThatPathAnswers()
    {
        await using ICallbackListener custom = await _receiver.ListenAsync(new CallbackListenRequest { State = State, ExpectedIssuer = Issuer, Path = "/oauth/cb" });
        Task<CallbackResult> wait = custom.WaitAsync();
        RawHttpResponse wrong = await RawHttp.GetAsync(custom.RedirectUri, $"/callback?code=c&state={State}");
        RawHttpResponse right = await RawHttp.CallbackAsync(custom.RedirectUri, $"code=c&state={State}");

        custom.RedirectUri.AbsolutePath.Should().Be("/oauth/cb");
        wrong.StatusCode.Should().Be(404);
        right.StatusCode.Should().Be(200);
        (await wait.WaitAsync(TestTimeouts.Default)).Code.Should().Be("c");
    }

    [Theory]
    [InlineData(-1, "/callback")]
    [InlineData(65536, "/callback")]
    [InlineData(0, "callback")]
    [InlineData(0, "")]
    public async Task ListenAsync_InvalidPortOrPath_ThrowsArgumentException(int port, string path)
    {
        Func<Task> act = () => _receiver.ListenAsync(new CallbackListenRequest { State = State, ExpectedIssuer = Issuer, Port = port, Path = path });

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task ListenAsync_NullRequest_ThrowsArgumentNull()
    {
        Func<Task> act = () => _receiver.ListenAsync(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task WaitAsync_RejectedAndAcceptedCallbacks_NeverLogStateOrCode()
    {
        // LOG-01: state, code and the callback query never reach a log
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        await RawHttp.CallbackAsync(listener.RedirectUri, "code=FORGED-CODE-1&state=FORGED-STATE-1");
        await RawHttp.CallbackAsync(listener.RedirectUri, $"code=REAL-CODE-1&state={State}&access_token=FRONT-TOKEN-1");
        await RawHttp.CallbackAsync(listener.RedirectUri, $"code=REAL-CODE-2&state={State}");
        await wait.WaitAsync(TestTimeouts.Default);

        _logger.Entries.Should().NotBeEmpty();
        foreach (string secret in new[] { "FORGED-CODE-1", "FORGED-STATE-1", "REAL-CODE-1", "REAL-CODE-2", "FRONT-TOKEN-1", State })
        {
            _logger.AllText.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task TryComplete_PastedValidRedirectUrl_CompletesWithTheCode()
    {
        // Headless sign-in: validated exactly like a callback request
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        bool completed = listener.TryComplete(new Uri(listener.RedirectUri + $"?code=c%2B1&state={State}"));

        completed.Should().BeTrue();
        (await wait.WaitAsync(TestTimeouts.Default)).Code.Should().Be("c+1");
    }

    [Theory]
    [InlineData("?code=c1&state=wrong")]
    [InlineData("?code=c1")]
    [InlineData("?code=c1&state=" + State + "&state=" + State)]
    [InlineData("?code=&state=" + State)]
    [InlineData("?code=c1&access_token=x&state=" + State)]
    public async Task TryComplete_NotAValidResponse_FalseAndTheListenerKeepsWaiting(string query)
    {
        // CB-03, CB-04, CB-18, CB-19 apply to pasted URLs too
        bool completed = await RejectedThenGenuineAcceptedAsync(listener => Task.FromResult(listener.TryComplete(new Uri(listener.RedirectUri + query))));

        completed.Should().BeFalse();
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/callback")]
    [InlineData("https://127.0.0.1:{port}/callback")]
    [InlineData("http://evil.example:{port}/callback")]
    [InlineData("http://127.0.0.1:{port}/other")]
    public async Task TryComplete_OtherSchemeHostPortOrPath_False(string template)
    {
        // The pasted URL must be this sign-in's redirect URI
        await using ICallbackListener listener = await ListenAsync();
        string url = template.Replace("{port}", Port(listener), StringComparison.Ordinal)
            + $"?code=c1&state={State}";

        listener.TryComplete(new Uri(url)).Should().BeFalse();
    }

    [Fact]
    public async Task TryComplete_IssFromAnotherServer_EndsTheSignInWithIssuerParameterMismatch()
    {
        // CB-08 for pasted URLs
        await using ICallbackListener listener = await ListenAsync();
        Task<CallbackResult> wait = listener.WaitAsync();

        bool completed = listener.TryComplete(new Uri(listener.RedirectUri + $"?code=c1&state={State}&iss=https%3A%2F%2Fattacker.example"));
        Func<Task> act = () => wait.WaitAsync(TestTimeouts.Default);

        completed.Should().BeTrue();
        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
    }

    [Fact]
    public async Task TryComplete_AfterACallbackCompleted_False()
    {
        // CB-05: one result only
        await using ICallbackListener listener = await ListenAsync();
        await RawHttp.CallbackAsync(listener.RedirectUri, $"code=first&state={State}");

        bool second = listener.TryComplete(new Uri(listener.RedirectUri + $"?code=second&state={State}"));

        second.Should().BeFalse();
        (await listener.WaitAsync().WaitAsync(TestTimeouts.Default)).Code.Should().Be("first");
    }

    private static string Port(ICallbackListener listener) => listener.RedirectUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<ICallbackListener> ListenAsync(bool issRequired = false, TimeSpan? timeout = null) =>
        _receiver.ListenAsync(Request(issRequired: issRequired, timeout: timeout));

    private static CallbackListenRequest Request(int port = 0, bool fallback = false, bool issRequired = false, TimeSpan? timeout = null) => new()
    {
        State = State,
        ExpectedIssuer = Issuer,
        IssuerParameterRequired = issRequired,
        Port = port,
        AllowPortFallback = fallback,
        Timeout = timeout ?? TimeSpan.FromMinutes(5),
    };
}
