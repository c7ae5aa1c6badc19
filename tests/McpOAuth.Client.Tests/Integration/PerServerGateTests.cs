using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>One provider serving several MCP servers: a user still in the browser for one does not hold up the others.</summary>
public sealed class PerServerGateTests
{
    [Fact]
    public async Task SendAsync_SignInPendingForOneServer_AnotherServersRefreshProceeds()
    {
        var time = new FakeTimeProvider();
        await using var asA = await TestAuthorizationServer.StartAsync(o => o.TimeProvider = time);
        await using var mcpA = await TestMcpServer.StartAsync(asA, o => o.TimeProvider = time);
        await using var asB = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
        });
        await using var mcpB = await TestMcpServer.StartAsync(asB, o => o.TimeProvider = time);

        var pendingA = new TaskCompletionSource<BrowserLaunchContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var followB = new ScriptedBrowser();
        using var client = McpClientHarness.Create(
            o =>
            {
                o.AuthorizationTimeout = TimeSpan.FromMinutes(5); // longer than the fake time moved below
                o.LaunchBrowser = (context, ct) =>
                {
                    if (context.AuthorizationUri.Port == new Uri(asA.Issuer).Port)
                    {
                        pendingA.TrySetResult(context); // The user has not approved A yet.
                        return ValueTask.CompletedTask;
                    }

                    return followB.LaunchAsync(context.AuthorizationUri, ct);
                };
            },
            timeProvider: time);
        await client.CallOkAsync(mcpB.McpUri, "initialize");

        Task<HttpResponseMessage> callA = client.CallAsync(mcpA.McpUri, "initialize");
        BrowserLaunchContext contextA = await pendingA.Task.WaitAsync(McpClientHarness.HangGuard);
        time.Advance(TimeSpan.FromSeconds(70)); // B's token is now inside its 60 s refresh skew; A's sign-in has not timed out

        using HttpResponseMessage callB = await client.CallAsync(mcpB.McpUri, "tools/list", 2).WaitAsync(McpClientHarness.HangGuard);
        bool aStillWaiting = !callA.IsCompleted;

        using var approveA = new ScriptedBrowser(ScriptedBrowserMode.CaptureOnly);
        await approveA.DeliverCallbackAsync(await approveA.AuthorizeAsync(contextA.AuthorizationUri));
        using HttpResponseMessage responseA = await callA.WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            callB.Should().HaveStatusCode(HttpStatusCode.OK);
            aStillWaiting.Should().BeTrue("B's refresh went ahead while A's sign-in was still waiting for the user");
            asB.TokenRequestCount("refresh_token").Should().Be(1);
            responseA.Should().HaveStatusCode(HttpStatusCode.OK);
        }
    }
}
