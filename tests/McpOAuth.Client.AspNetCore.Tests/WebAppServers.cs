namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>The loopback server pair a web-app test owns: revocation on, and an MCP server that names a tool after each token.</summary>
internal static class WebAppServers
{
    public static async Task<ServerPair> StartAsync(TimeProvider? time = null, Action<TestAuthorizationServerOptions>? configure = null)
    {
        ServerPair servers = await ServerPair.StartAsync(time ?? TimeProvider.System, o =>
        {
            o.RevocationEnabled = true;
            configure?.Invoke(o);
        });
        ToolsPerToken.Install(servers.McpServer);
        return servers;
    }
}
