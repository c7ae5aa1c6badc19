using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 13, item 4: the ActivitySource and Meter named McpOAuth.Client, their names and attributes, and that no
/// token, code, verifier, secret or state ever appears in a span or a measurement.</summary>
public sealed class TelemetryTests : ServerPairTest
{
    [Fact]
    public async Task SignInThenCalls_PublishSpansAndMetricsNamedForTheLibrary_WithoutSecrets()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o => o.AccessTokenLifetime = TimeSpan.FromMinutes(10));
        using var browser = new ScriptedBrowser();
        await using ServiceProvider services = Container(browser, time);
        var meters = services.GetRequiredService<IMeterFactory>();
        using var challenges = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.Challenges);
        using var served = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.CredentialsServed);
        using var authorizations = new MetricCollector<double>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.AuthorizationDuration);
        using var refreshes = new MetricCollector<double>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.RefreshDuration);
        using var tokenRequests = new MetricCollector<long>(meters, McpOAuthTelemetry.Name, McpOAuthTelemetry.TokenRequests);
        using var spans = new SpanRecorder();

        using (spans.StartRoot())
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
        }

        IReadOnlyList<Activity> ours = spans.Library;
        using (new AssertionScope())
        {
            ours.Select(a => a.OperationName).Should().Contain(
                [McpOAuthTelemetry.AuthorizeActivity, McpOAuthTelemetry.DiscoverActivity, McpOAuthTelemetry.RegisterActivity,
                 McpOAuthTelemetry.StoreActivity, McpOAuthTelemetry.RefreshActivity, McpOAuthTelemetry.TokenRequestActivity]);
            ours.Where(a => a.OperationName == McpOAuthTelemetry.DiscoverActivity).Select(a => a.GetTagItem("mcpoauth.metadata"))
                .Should().Contain(["protected_resource", "authorization_server"]);
            ours.Single(a => a.OperationName == McpOAuthTelemetry.AuthorizeActivity).GetTagItem("server.address").Should().Be("127.0.0.1");
            challenges.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["kind"].Should().Be("401");
            served.GetMeasurementSnapshot().Select(m => m.Tags["source"]).Should().Contain(["cache", "renewed"]);
            authorizations.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["outcome"].Should().Be("success");
            refreshes.GetMeasurementSnapshot().Should().Contain(m => (string?)m.Tags["outcome"] == "success");
            tokenRequests.GetMeasurementSnapshot().Select(m => $"{m.Tags["grant_type"]} {m.Tags["outcome"]}")
                .Should().Equal("authorization_code success", "refresh_token success");
        }

        string everything = spans.AllText;
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
}
