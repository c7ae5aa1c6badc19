namespace McpOAuth.Client.Tests.Integration;

/// <summary>The per-call timeout of authorization server calls must end with the call.</summary>
public sealed class BackchannelTimerTests : ServerPairTest
{
    // §3 fault expectations, REF-11: after a completed sign-in the clock passes the HTTP timeout while the client idles.
    // Nothing may fire: a timer left running cancels a disposed CancellationTokenSource, which throws here and, on the
    // real clock, crashes the process from a thread-pool timer callback.
    [Fact]
    public async Task SendAsync_ClockPassesHttpTimeoutAfterCallsCompleted_NoTimeoutFires()
    {
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, o => o.HttpTimeout = McpOAuthDefaults.HttpTimeout, timeProvider: time);

        Action idle = () => time.Advance(McpOAuthDefaults.HttpTimeout + TimeSpan.FromSeconds(1));

        idle.Should().NotThrow();
    }
}
