using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>A request that gives up during a sign-in (an SDK's probe timeout, a cancelled call) must not cost the user a
/// second sign-in: the sign-in goes on, and the next request uses its token.</summary>
public sealed class AbandonedRequestTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_FirstRequestCancelledWhileUserSignsIn_NextRequestUsesThatSignInWithoutASecondBrowserPage()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var launches = new List<BrowserLaunchContext>();
        var firstLaunch = new TaskCompletionSource<BrowserLaunchContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var harness = McpClientHarness.Create(o => o.LaunchBrowser = (context, _) =>
        {
            lock (launches)
            {
                launches.Add(context);
            }

            firstLaunch.TrySetResult(context);
            return ValueTask.CompletedTask;
        });

        using var giveUp = new CancellationTokenSource();
        using HttpRequestMessage first = McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("initialize"));
        Task<HttpResponseMessage> abandoned = harness.Http.SendAsync(first, giveUp.Token);
        BrowserLaunchContext context = await firstLaunch.Task.WaitAsync(McpClientHarness.HangGuard);
        await giveUp.CancelAsync();
        await FluentActions.Awaiting(() => abandoned.WaitAsync(McpClientHarness.HangGuard)).Should().ThrowAsync<OperationCanceledException>();

        Task<HttpResponseMessage> retry = harness.CallAsync(mcpServer.McpUri, "initialize");
        using var browser = new ScriptedBrowser(ScriptedBrowserMode.CaptureOnly);
        Uri redirect = await browser.AuthorizeAsync(context.AuthorizationUri);
        BrowserNavigation callback = await browser.DeliverCallbackAsync(redirect);
        using HttpResponseMessage response = await retry.WaitAsync(McpClientHarness.HangGuard);

        using (new FluentAssertions.Execution.AssertionScope())
        {
            callback.CallbackStatusCode.Should().Be(HttpStatusCode.OK, "the abandoned request's sign-in was still listening");
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            launches.Should().ContainSingle("the retry joined the sign-in in progress instead of opening a second page");
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
        }
    }
}
