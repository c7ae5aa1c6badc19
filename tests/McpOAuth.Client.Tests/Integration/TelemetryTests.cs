using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 13, item 4: the ActivitySource and Meter named McpOAuth.Client, their names and attributes, and that no
/// token, code, verifier, secret or state ever appears in a span or a measurement.</summary>
public sealed class TelemetryTests
{
    private const string TestSourceName = "McpOAuth.Client.Tests.Telemetry";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    [Fact]
    public async Task SignInThenCalls_PublishSpansAndMetricsNamedForTheLibrary_WithoutSecrets()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(10);
        });
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.TimeProvider = time);
        using var browser = new ScriptedBrowser();
        await using ServiceProvider services = Container(browser, time);
        var meters = services.GetRequiredService<IMeterFactory>();
        using var challenges = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.Challenges);
        using var served = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.CredentialsServed);
        using var authorizations = new MetricCollector<double>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.AuthorizationDuration);
        using var refreshes = new MetricCollector<double>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.RefreshDuration);
        using var spans = new SpanRecorder();

        using (Activity root = TestSource.StartActivity("test")!)
        {
            HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient("mcp");
            for (int i = 1; i <= 2; i++)
            {
                using HttpResponseMessage response = await http.SendAsync(McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/list", i)));
                response.Should().HaveStatusCode(HttpStatusCode.OK);
            }

            time.Advance(TimeSpan.FromMinutes(11));
            using HttpResponseMessage afterExpiry = await http.SendAsync(McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/list", 3)));
            afterExpiry.Should().HaveStatusCode(HttpStatusCode.OK);
            spans.TraceId = root.TraceId;
        }

        IReadOnlyList<Activity> ours = spans.Of(McpOAuthTelemetry.Name);
        using (new AssertionScope())
        {
            ours.Select(a => a.OperationName).Should().Contain(
                [McpOAuthTelemetry.AuthorizeActivity, McpOAuthTelemetry.DiscoverActivity, McpOAuthTelemetry.RegisterActivity,
                 McpOAuthTelemetry.StoreActivity, McpOAuthTelemetry.RefreshActivity]);
            ours.Where(a => a.OperationName == McpOAuthTelemetry.DiscoverActivity).Select(a => a.GetTagItem("mcpoauth.metadata"))
                .Should().Contain(["protected_resource", "authorization_server"]);
            ours.Single(a => a.OperationName == McpOAuthTelemetry.AuthorizeActivity).GetTagItem("server.address").Should().Be("127.0.0.1");
            challenges.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["kind"].Should().Be("401");
            served.GetMeasurementSnapshot().Select(m => m.Tags["source"]).Should().Contain(["cache", "renewed"]);
            authorizations.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be("success");
            refreshes.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["outcome"] == "success");
        }

        string everything = string.Join('\n', ours.SelectMany(a => a.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(a.DisplayName).Append(a.StatusDescription ?? string.Empty)));
        string[] secrets =
        [
            .. authorizationServer.IssuedAccessTokens.Select(t => t.Token),
            .. authorizationServer.TokenRequests.SelectMany(r => new[] { r.FormValue("code"), r.FormValue("code_verifier"), r.FormValue("refresh_token") }).OfType<string>(),
            .. authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("state")).OfType<string>(),
        ];
        secrets.Should().NotBeEmpty();
        foreach (string secret in secrets)
        {
            everything.Should().NotContain(secret);
        }

        everything.Should().NotContain("?", "no URL with a query is ever a tag");
    }

    private static ServiceProvider Container(ScriptedBrowser browser, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton(time);
        services.AddMcpOAuth("mcp", o =>
        {
            o.LaunchBrowser = (context, cancellationToken) => browser.LaunchAsync(context.AuthorizationUri, cancellationToken);
            o.AuthorizationTimeout = TimeSpan.FromSeconds(20);
            o.HttpTimeout = McpClientHarness.MaxHttpTimeout;
        });
        services.AddHttpClient("mcp").AddMcpOAuthHandler();
        return services.BuildServiceProvider();
    }

    /// <summary>Every span of the library and of this test, kept for the trace of one test (tests run in parallel).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> _stopped = new();

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == McpOAuthTelemetry.Name || source.Name == TestSourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ActivityTraceId TraceId { get; set; }

        public IReadOnlyList<Activity> Of(string source) => [.. _stopped.Where(a => a.Source.Name == source && a.TraceId == TraceId)];

        public void Dispose() => _listener.Dispose();
    }
}
