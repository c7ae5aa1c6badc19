namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>The loopback authorization server and MCP server one test owns; the MCP server names a tool after each token.</summary>
internal sealed class Servers : IAsyncDisposable
{
    private Servers(TestAuthorizationServer authorization, TestMcpServer mcp)
    {
        Authorization = authorization;
        Mcp = mcp;
    }

    public TestAuthorizationServer Authorization { get; }

    public TestMcpServer Mcp { get; }

    public static async Task<Servers> StartAsync(TimeProvider? time = null, Action<TestAuthorizationServerOptions>? configure = null)
    {
        TestAuthorizationServer authorization = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = time ?? TimeProvider.System;
            o.RevocationEnabled = true;
            configure?.Invoke(o);
        });
        TestMcpServer mcp = await TestMcpServer.StartAsync(authorization, o => o.TimeProvider = time ?? TimeProvider.System);
        ToolsPerToken.Install(mcp);
        return new Servers(authorization, mcp);
    }

    public async ValueTask DisposeAsync()
    {
        await Mcp.DisposeAsync();
        await Authorization.DisposeAsync();
    }
}
