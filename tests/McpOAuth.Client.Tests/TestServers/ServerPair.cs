namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The pair most integration tests start with: an authorization server and the MCP server whose protected
/// resource metadata names it. One call starts both, one dispose stops both (the MCP server first, as two
/// <c>await using</c> lines would).</summary>
public sealed class ServerPair : IAsyncDisposable
{
    private ServerPair(TestAuthorizationServer authorizationServer, TestMcpServer mcpServer)
    {
        AuthorizationServer = authorizationServer;
        McpServer = mcpServer;
    }

    /// <summary>Gets the authorization server.</summary>
    public TestAuthorizationServer AuthorizationServer { get; }

    /// <summary>Gets the MCP server that accepts the authorization server's tokens.</summary>
    public TestMcpServer McpServer { get; }

    /// <summary>Starts the authorization server, then the MCP server that names it.</summary>
    /// <param name="authorization">Sets the authorization server's options before it starts.</param>
    /// <param name="mcp">Sets the MCP server's options before it starts.</param>
    /// <returns>The running pair.</returns>
    public static async Task<ServerPair> StartAsync(
        Action<TestAuthorizationServerOptions>? authorization = null,
        Action<TestMcpServerOptions>? mcp = null)
    {
        TestAuthorizationServer authorizationServer = await TestAuthorizationServer.StartAsync(authorization);
        try
        {
            return new ServerPair(authorizationServer, await TestMcpServer.StartAsync(authorizationServer, mcp));
        }
        catch
        {
            await authorizationServer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a pair on one clock: both servers read <paramref name="time"/> (token lifetimes, device polling,
    /// DPoP proof ages), as the client under test does when it is given the same clock.</summary>
    /// <param name="time">The clock both servers use.</param>
    /// <param name="authorization">Sets the authorization server's other options before it starts.</param>
    /// <param name="mcp">Sets the MCP server's other options before it starts.</param>
    /// <returns>The running pair.</returns>
    public static Task<ServerPair> StartAsync(
        TimeProvider time,
        Action<TestAuthorizationServerOptions>? authorization = null,
        Action<TestMcpServerOptions>? mcp = null) =>
        StartAsync(
            o =>
            {
                o.TimeProvider = time;
                authorization?.Invoke(o);
            },
            o =>
            {
                o.TimeProvider = time;
                mcp?.Invoke(o);
            });

    /// <summary>Lets a test name the two servers: <c>var (authorizationServer, mcpServer) = pair;</c>.</summary>
    /// <param name="authorizationServer">The authorization server.</param>
    /// <param name="mcpServer">The MCP server.</param>
    public void Deconstruct(out TestAuthorizationServer authorizationServer, out TestMcpServer mcpServer)
    {
        authorizationServer = AuthorizationServer;
        mcpServer = McpServer;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await McpServer.DisposeAsync();
        await AuthorizationServer.DisposeAsync();
    }
}
