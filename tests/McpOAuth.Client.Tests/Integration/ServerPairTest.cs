namespace McpOAuth.Client.Tests.Integration;

/// <summary>Base of the test classes whose tests start a <see cref="ServerPair"/>. A test starts its own pair in one
/// line, <c>var (authorizationServer, mcpServer) = await StartServersAsync();</c>, and the class stops every pair it
/// started once the test is over (xunit makes a new instance per test, so no server outlives or is shared between
/// tests). A base class rather than a static starter because a disposable pair that is deconstructed still needs its
/// own <c>await using</c> line; here the test keeps its two familiar names and loses both lines.</summary>
public abstract class ServerPairTest : IAsyncLifetime
{
    private readonly List<ServerPair> _started = [];

    /// <summary>Starts an authorization server and the MCP server that names it, stopped after the test.</summary>
    /// <param name="authorization">Sets the authorization server's options before it starts.</param>
    /// <param name="mcp">Sets the MCP server's options before it starts.</param>
    /// <returns>The running pair.</returns>
    protected async Task<ServerPair> StartServersAsync(
        Action<TestAuthorizationServerOptions>? authorization = null,
        Action<TestMcpServerOptions>? mcp = null) =>
        Track(await ServerPair.StartAsync(authorization, mcp));

    /// <summary>Starts a pair on one clock: both servers read <paramref name="time"/> (token lifetimes, device polling,
    /// DPoP proof ages), as the client under test does when it is given the same clock.</summary>
    /// <param name="time">The clock both servers use.</param>
    /// <param name="authorization">Sets the authorization server's other options before it starts.</param>
    /// <param name="mcp">Sets the MCP server's other options before it starts.</param>
    /// <returns>The running pair.</returns>
    protected async Task<ServerPair> StartServersAsync(
        TimeProvider time,
        Action<TestAuthorizationServerOptions>? authorization = null,
        Action<TestMcpServerOptions>? mcp = null) =>
        Track(await ServerPair.StartAsync(time, authorization, mcp));

    /// <inheritdoc/>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        for (int i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }

        _started.Clear();
    }

    private ServerPair Track(ServerPair pair)
    {
        _started.Add(pair);
        return pair;
    }
}
