namespace McpOAuth.Client.Tests.Integration;

/// <summary>The per-call timeout of authorization server calls must end with the call.</summary>
public sealed class BackchannelTimerTests
{
    // §3 fault expectations, REF-11: after a completed sign-in the clock passes the HTTP timeout while the client idles.
    // Nothing may fire: a timer left running cancels a disposed CancellationTokenSource, which throws here and, on the
    // real clock, crashes the process from a thread-pool timer callback.
    [Fact]
    public async Task SendAsync_ClockPassesHttpTimeoutAfterCallsCompleted_NoTimeoutFires()
    {
        var time = new FakeTimeProvider();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o => o.TimeProvider = time);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.TimeProvider = time);
        using var client = McpClientHarness.Create(o => o.HttpTimeout = McpOAuthDefaults.HttpTimeout, timeProvider: time);
        await client.CallOkAsync(mcpServer.McpUri, "initialize");

        Action idle = () => time.Advance(McpOAuthDefaults.HttpTimeout + TimeSpan.FromSeconds(1));

        idle.Should().NotThrow();
    }
}
