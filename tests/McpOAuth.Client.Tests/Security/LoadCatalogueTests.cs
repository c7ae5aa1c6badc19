using System.Net;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.14, fault and load (T17, T24, §3).</summary>
public sealed class LoadCatalogueTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_FiftyCallersWhileDiscoveryHangs_OneDiscoveryAndAllFailAtItsTimeout()
    {
        // LOAD-01: 50 first requests are challenged while the authorization server's metadata never answers; they share one
        // discovery, and when its timeout passes every caller fails with a typed error (no caller starts its own).
        const int Callers = 50;
        var time = new ObservableTimeProvider();
        var metadataAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int metadataRequests = 0;
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.OnMetadataRequest = async context =>
        {
            Interlocked.Increment(ref metadataRequests);
            metadataAsked.TrySetResult();
            var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (context.RequestAborted.Register(() => never.TrySetResult()))
            {
                await never.Task;
            }

            return true;
        }, o => o.OnMcpRequest = ChallengeBarrier.HoldUntil(Callers));
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory logging = logs.CreateFactory();
        using var client = McpClientHarness.Create(o => o.HttpTimeout = TimeSpan.FromSeconds(30), timeProvider: time, loggerFactory: logging);

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(1, Callers).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id))];
        await metadataAsked.Task.WaitAsync(McpClientHarness.HangGuard);

        // Every caller has read its challenge (event 501, logged just before a caller queues for the sign-in) before the timeout
        // passes: a failure is shared with the callers it kept waiting, and a caller that came later would rightly start again.
        await logs.CountReachedAsync(501, Callers).WaitAsync(McpClientHarness.HangGuard);
        await time.NextTimerAsync(d => d == TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        Task settled = Task.WhenAll(calls).ContinueWith(static _ => { }, TaskScheduler.Default);
        await settled.WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            calls.Should().OnlyContain(c => c.IsFaulted && c.Exception!.InnerException is McpOAuthException);
            calls.Select(c => ((McpOAuthException)c.Exception!.InnerException!).Code).Distinct().Should().Equal(McpOAuthErrorCode.Timeout);
            metadataRequests.Should().Be(1, "the callers share one discovery");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_429WithRetryAfterOfAnHour_CappedRetriesThenATypedError()
    {
        // LOAD-03: Retry-After: 3600 does not make the client sleep an hour: each wait is capped, and after the retry budget the
        // call fails with a typed error.
        using var server = new FakeHttpMessageHandler();
        var time = new ObservableTimeProvider();
        server.OnGet("https://auth.example.com/.well-known/oauth-authorization-server", FakeResponse.From(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new ByteArrayContent([]) };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return response;
        }));
        var discovery = new HttpDiscoveryClient(TestBackchannel.Create(server, time), time, NullLogger.Instance);

        Task<AuthorizationServerDocument?> call = discovery.GetAuthorizationServerMetadataAsync(new AuthorizationServerMetadataRequest { Issuer = "https://auth.example.com" });
        TimeSpan first = await time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        TimeSpan second = await time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        McpOAuthException failed = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            failed.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
            (first + second).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(10), "the delays are capped, Retry-After notwithstanding");
            server.Requests.Should().HaveCount(3);
        }
    }
}
