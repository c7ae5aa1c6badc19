using System.Net;
using System.Security.Cryptography;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The RFC 8628 device grant alone, with the clock driven by the test (§3.4, §3.5).</summary>
public sealed class DeviceCodeFlowTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly GrantRig _rig;
    private readonly List<DeviceAuthorizationContext> _shown = [];

    public DeviceCodeFlowTests()
    {
        _rig = new GrantRig(o =>
        {
            o.UseDeviceAuthorization = true;
            o.ShowDeviceCode = (context, _) =>
            {
                _shown.Add(context);
                return ValueTask.CompletedTask;
            };
        });
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RunAsync_PendingThenSlowDownThenApproved_PollsAtTheIntervalWidenedByFiveSeconds()
    {
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.DeviceUrl, DeviceResponse(expiresIn: 600));
        _rig.Network.OnPost(
            GrantRig.TokenUrl,
            FakeResponse.Json("{\"error\":\"authorization_pending\"}", HttpStatusCode.BadRequest),
            FakeResponse.Json("{\"error\":\"slow_down\"}", HttpStatusCode.BadRequest),
            FakeResponse.Json(GrantRig.TokenJson()));

        Task<TokenSet> run = Flow().RunAsync(_rig.Request(["mcp:read"]), CancellationToken.None);
        List<TimeSpan> waits = [];
        for (int poll = 0; poll < 3; poll++)
        {
            TimeSpan due = await _rig.Time.NextTimerAsync(d => d <= TimeSpan.FromSeconds(10));
            waits.Add(due);
            _rig.Time.Advance(due);
        }

        TokenSet tokens = await run.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            waits.Should().Equal(Interval, Interval, Interval + TimeSpan.FromSeconds(5));
            _rig.TokenRequests.Should().HaveCount(3).And.OnlyContain(r => r.Form["device_code"].Single() == "DC-1");
            _shown.Single().UserCode.Should().Be("UC-1");
            _rig.Network.Requests.Single(r => r.Uri.AbsoluteUri == GrantRig.DeviceUrl).Form["resource"].Should().Equal([GrantRig.Resource]);
            (await _rig.Store.GetAsync(tokens.Key)).Should().BeSameAs(tokens);
        }
    }

    [Fact]
    public async Task RunAsync_CodeExpiresBeforeApproval_TimeoutWithoutAnotherPoll()
    {
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.DeviceUrl, DeviceResponse(expiresIn: 8));
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json("{\"error\":\"authorization_pending\"}", HttpStatusCode.BadRequest));

        Task<TokenSet> run = Flow().RunAsync(_rig.Request(), CancellationToken.None);
        _rig.Time.Advance(await _rig.Time.NextTimerAsync(d => d == Interval));
        _rig.Time.Advance(await _rig.Time.NextTimerAsync(d => d == Interval));

        Func<Task> act = () => run.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
        _rig.TokenRequests.Should().ContainSingle();
    }

    [Fact]
    public async Task RunAsync_PrivateKeyJwtClient_DeviceRequestAndPollAuthenticateWithAnAssertion()
    {
        // Issue 9 drift: the device flow authenticates as every other grant does (RFC 8628 §3.1, RFC 7523 §2.2)
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _rig.Options.Client.ClientId = "configured";
        _rig.Options.Client.ClientAssertionKey = key;
        _rig.Options.Client.Issuer = GrantRig.Issuer;
        _rig.Network.OnPost(GrantRig.DeviceUrl, DeviceResponse(expiresIn: 600));
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        Task<TokenSet> run = Flow().RunAsync(_rig.Request(), CancellationToken.None);
        _rig.Time.Advance(await _rig.Time.NextTimerAsync(d => d == Interval));
        await run.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            foreach (RecordedHttpRequest request in _rig.Network.Requests)
            {
                TestJwt.Parse(request.Form["client_assertion"].Single()).ClaimString("aud").Should().Be(GrantRig.Issuer);
            }

            _rig.Network.Requests.Should().HaveCount(2);
        }
    }

    [Fact]
    public async Task RunAsync_DynamicClientForgotten_StaleRegistrationBeforeShowingACode()
    {
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.DeviceUrl, FakeResponse.Json("{\"error\":\"invalid_client\"}", HttpStatusCode.Unauthorized));

        Func<Task> act = () => Flow().RunAsync(_rig.Request(), CancellationToken.None);

        await act.Should().ThrowAsync<StaleRegistrationException>();
        _shown.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_HostileTinyInterval_PollsNoFasterThanOncePerSecond()
    {
        // Found reading the fuzz harness (issue 10): interval 1e-300 became a zero delay, a tight polling loop for up to an hour.
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.DeviceUrl, FakeResponse.Json(
            "{\"device_code\":\"DC-1\",\"user_code\":\"UC-1\",\"verification_uri\":\"https://auth.example.com/device\",\"expires_in\":600,\"interval\":1e-300}"));
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        Task<TokenSet> run = Flow().RunAsync(_rig.Request(), CancellationToken.None);
        TimeSpan due = await _rig.Time.NextTimerAsync(d => d <= TimeSpan.FromSeconds(10));
        _rig.Time.Advance(due);
        await run.WaitAsync(TestTimeouts.Default);

        due.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RunAsync_AdditionalParametersAndOfflineAccess_SentOnTheDeviceAuthorizationRequest()
    {
        // Issue 12 item 2: the configured extras go on the device request too (Auth0 needs audience there); the dynamic client
        // asks for offline_access and registers the scopes; no prompt, which belongs to the browser's request.
        using var rig = new GrantRig(
            o =>
            {
                o.UseDeviceAuthorization = true;
                o.ShowDeviceCode = (_, _) => ValueTask.CompletedTask;
                o.AdditionalAuthorizationParameters["audience"] = "https://api.example.com";
            },
            server => server with { ScopesSupported = ["mcp:read", "offline_access"] });
        rig.RegistersPublicClient();
        rig.Network.OnPost(GrantRig.DeviceUrl, DeviceResponse(expiresIn: 600));
        rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        Task<TokenSet> run = new DeviceCodeFlow(rig.Options, rig.Registrations, rig.Tokens, rig.Completion, rig.Time).RunAsync(rig.Request(["mcp:read"]), CancellationToken.None);
        rig.Time.Advance(await rig.Time.NextTimerAsync(d => d <= TimeSpan.FromSeconds(10)));
        await run.WaitAsync(TestTimeouts.Default);

        IReadOnlyDictionary<string, IReadOnlyList<string>> device = rig.Network.Requests.Single(r => r.Uri.AbsoluteUri == GrantRig.DeviceUrl).Form;
        using (new AssertionScope())
        {
            device["audience"].Should().Equal("https://api.example.com");
            device["scope"].Should().Equal("mcp:read offline_access");
            device.Should().NotContainKey("prompt");
            rig.Network.Requests.Single(r => r.Uri.AbsoluteUri == GrantRig.RegisterUrl).Body.Should().Contain("\"scope\":\"mcp:read offline_access\"");
        }
    }

    private DeviceCodeFlow Flow() => new(_rig.Options, _rig.Registrations, _rig.Tokens, _rig.Completion, _rig.Time);

    private static FakeResponse DeviceResponse(int expiresIn) => FakeResponse.Json(
        $"{{\"device_code\":\"DC-1\",\"user_code\":\"UC-1\",\"verification_uri\":\"https://auth.example.com/device\",\"expires_in\":{expiresIn},\"interval\":5}}");
}
