using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace McpOAuth.Client.Tests.Diagnostics;

/// <summary>Issue 13, item 4: one <c>McpOAuth.Client.TokenRequest</c> span, one <c>mcpoauth.client.token.requests</c> count and one
/// <c>mcpoauth.client.token.request.duration</c> measurement per token request, tagged with the grant's short name and an
/// outcome from a closed list, and never a secret (LOG-01).</summary>
public sealed class TokenRequestTelemetryTests : IDisposable
{
    private const string TokenUrl = "https://auth.example.com/token?tenant=secret-query";
    private const string Secret = "client-SECRET-0123456789";
    private const string Code = "code-SECRET-abcdef";
    private const string Verifier = "verifier-SECRET-abcdef";
    private const string RefreshToken = "rt-SECRET-abcdef";
    private const string AccessToken = "at-SECRET-abcdef";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<long> _count;
    private readonly MetricCollector<double> _duration;
    private readonly SpanRecorder _spans = new();
    private readonly BackchannelRig _rig;

    public TokenRequestTelemetryTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _count = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.TokenRequests);
        _duration = new MetricCollector<double>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.TokenRequestDuration);
        _rig = new BackchannelRig(Telemetry.For(meters));
    }

    public static TheoryData<string> Grants => ["authorization_code", "refresh_token", "device_code", "client_credentials", "jwt-bearer", "token-exchange"];

    public void Dispose()
    {
        _spans.Dispose();
        _count.Dispose();
        _duration.Dispose();
        _services.Dispose();
        _rig.Dispose();
    }

    [Theory]
    [MemberData(nameof(Grants))]
    public async Task TokenRequest_EachGrantSucceeds_OneSpanCountAndDurationTaggedWithTheGrant(string grant)
    {
        _rig.Network.OnPost(TokenUrl, FakeResponse.Json($"{{\"access_token\":\"{AccessToken}\",\"token_type\":\"Bearer\",\"refresh_token\":\"{RefreshToken}\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\"}}"));

        using (_spans.StartRoot())
        {
            await RequestAsync(grant).WaitAsync(TestTimeouts.Default);
        }

        Activity span = _spans.Library.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            span.OperationName.Should().Be(McpOAuthTelemetry.TokenRequestActivity);
            span.GetTagItem("mcpoauth.grant_type").Should().Be(grant);
            span.GetTagItem("server.address").Should().Be("auth.example.com");
            span.Status.Should().Be(ActivityStatusCode.Unset);
            span.GetTagItem("error.type").Should().BeNull();
            CollectedMeasurement<long> count = _count.GetMeasurementSnapshot().Should().ContainSingle().Subject;
            count.Value.Should().Be(1);
            count.Tags.Should().BeEquivalentTo(new Dictionary<string, object?> { ["grant_type"] = grant, ["outcome"] = "success" });
            _duration.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags.Should().BeEquivalentTo(count.Tags);
            AssertNoSecret();
        }
    }

    [Fact]
    public async Task TokenRequest_InvalidGrantEchoingTheSecrets_OutcomeIsTheErrorCodeAndNoTagCarriesASecret()
    {
        // LOG-02, RFC 6749 §5.2: a server echoing the code, verifier and secret in error_description.
        _rig.Network.OnPost(TokenUrl, FakeResponse.Json(
            $"{{\"error\":\"invalid_grant\",\"error_description\":\"bad {Code} {Verifier} {Secret}\",\"error_uri\":\"https://x/?{Code}\"}}",
            HttpStatusCode.BadRequest));

        Func<Task> act = () => RequestAsync("authorization_code", clientSecret: Secret);

        using (_spans.StartRoot())
        {
            (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidGrant);
        }

        Activity span = _spans.Library.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            span.Status.Should().Be(ActivityStatusCode.Error);
            span.GetTagItem("error.type").Should().Be("invalid_grant");
            _count.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be("invalid_grant");
            _duration.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be("invalid_grant");
            AssertNoSecret();
        }
    }

    [Fact]
    public async Task TokenRequest_ServerInventsAnErrorCode_OutcomeIsTheLibraryCodeNotTheServerText()
    {
        // A hostile error code (here the refresh token itself) never becomes a tag: only a closed list does.
        _rig.Network.OnPost(TokenUrl, FakeResponse.Json($"{{\"error\":\"x-{RefreshToken}\"}}", HttpStatusCode.BadRequest));

        Func<Task> act = () => RequestAsync("refresh_token");

        using (_spans.StartRoot())
        {
            await act.Should().ThrowAsync<McpOAuthException>();
        }

        using (new AssertionScope())
        {
            _count.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be(nameof(McpOAuthErrorCode.TokenRequestFailed));
            _spans.Library.Should().ContainSingle().Which.GetTagItem("error.type").Should().Be(nameof(McpOAuthErrorCode.TokenRequestFailed));
            AssertNoSecret();
        }
    }

    [Fact]
    public async Task TokenRequest_ConnectionRefused_OutcomeIsTheTransportErrorKind()
    {
        _rig.Network.Fail(HttpMethod.Post, TokenUrl);

        Func<Task> act = () => RequestAsync("client_credentials");

        using (_spans.StartRoot())
        {
            (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        }

        using (new AssertionScope())
        {
            _count.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be(nameof(McpOAuthErrorCode.ServerUnreachable));
            _spans.Library.Should().ContainSingle().Which.Status.Should().Be(ActivityStatusCode.Error);
        }
    }

    [Fact]
    public async Task TokenRequest_DpopNonceDemanded_OneSpanWithANonceEventAndOneCount()
    {
        // RFC 9449 §8: the retry with the nonce is part of the same token request.
        int calls = 0;
        _rig.Network.On(HttpMethod.Post, TokenUrl, (_, _) =>
        {
            var response = Interlocked.Increment(ref calls) == 1
                ? Json("{\"error\":\"use_dpop_nonce\"}", HttpStatusCode.BadRequest)
                : Json($"{{\"access_token\":\"{AccessToken}\",\"token_type\":\"DPoP\"}}", HttpStatusCode.OK);
            response.Headers.TryAddWithoutValidation("DPoP-Nonce", "nonce-1");
            return Task.FromResult(response);
        });
        using DpopSession dpop = DpopSession.Create(_rig.Time);

        using (_spans.StartRoot())
        {
            await _rig.Tokens.ClientCredentialsAsync(Context() with { Dpop = dpop }, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        }

        Activity span = _spans.Library.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            calls.Should().Be(2);
            span.Events.Select(e => e.Name).Should().Equal("use_dpop_nonce");
            _count.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be("success");
        }
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code", "device_code")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer", "jwt-bearer")]
    [InlineData("urn:ietf:params:oauth:grant-type:token-exchange", "token-exchange")]
    [InlineData("urn:example:secret-grant", "other")]
    public void GrantOf_WireGrantType_ShortNameFromAClosedList(string grantType, string expected) =>
        TokenRequestTelemetry.GrantOf(grantType).Should().Be(expected);

    private Task RequestAsync(string grant, string? clientSecret = null)
    {
        TokenRequestContext context = Context(clientSecret);
        return grant switch
        {
            "authorization_code" => _rig.Tokens.ExchangeCodeAsync(context, Code, Verifier, new Uri("http://127.0.0.1:1/cb"), CancellationToken.None),
            "refresh_token" => _rig.Tokens.RefreshAsync(context, RefreshToken, scope: null, CancellationToken.None),
            "device_code" => _rig.Tokens.PollDeviceCodeAsync(context, "device-SECRET-abcdef", CancellationToken.None),
            "client_credentials" => _rig.Tokens.ClientCredentialsAsync(context, CancellationToken.None),
            "jwt-bearer" => _rig.Tokens.JwtBearerAsync(context, "assertion.SECRET.abcdef", "JwtBearer", CancellationToken.None),
            _ => _rig.Tokens.ExchangeForIdJagAsync(context.TokenEndpoint, context.Client, "id.SECRET.abcdef", "https://as.example.com", null, CancellationToken.None),
        };
    }

    private static TokenRequestContext Context(string? clientSecret = Secret) => new(
        new Uri(TokenUrl),
        new ClientAuthentication(Clients.Preregistered(clientSecret is null ? "none" : "client_secret_basic", secret: clientSecret)),
        BackchannelRig.Resource,
        BackchannelRig.Resource,
        []);

    private static HttpResponseMessage Json(string body, HttpStatusCode status) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
    };

    private void AssertNoSecret()
    {
        IEnumerable<KeyValuePair<string, object?>> tags = _count.GetMeasurementSnapshot().SelectMany(m => m.Tags)
            .Concat(_duration.GetMeasurementSnapshot().SelectMany(m => m.Tags));
        string all = _spans.AllText + "\n" + string.Join('\n', tags.Select(t => $"{t.Key}={t.Value}"));
        all.Should().NotContain("SECRET").And.NotContain("?", "no tag carries a token, code, verifier, secret or query");
    }
}
