namespace McpOAuth.Cli.Tests;

/// <summary>What a CLI sign-in test runs against, started and disposed together: a loopback authorization server, an MCP
/// server that accepts its tokens, a scripted browser, and a temporary directory for the stores.</summary>
internal sealed class CliRig(TestAuthorizationServer authorization, TestMcpServer mcp) : IAsyncDisposable
{
    public TestAuthorizationServer Authorization => authorization;

    public TestMcpServer Mcp => mcp;

    public ScriptedBrowser Browser { get; } = new();

    public TempDirectory Temp { get; } = new();

    /// <summary>Starts both servers; the authorization server is stopped again if the MCP server does not start.</summary>
    public static async Task<CliRig> StartAsync(Action<TestAuthorizationServerOptions>? authorization = null, Action<TestMcpServerOptions>? mcp = null)
    {
        TestAuthorizationServer authorizationServer = await TestAuthorizationServer.StartAsync(authorization);
        try
        {
            return new CliRig(authorizationServer, await TestMcpServer.StartAsync(authorizationServer, mcp));
        }
        catch
        {
            await authorizationServer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>mcp-oauth login &lt;mcp endpoint&gt; flags</c> with the scripted browser.</summary>
    public Task<CliOutcome> LoginAsync(params string[] flags) => CliHarness.RunAsync(["login", Mcp.McpEndpoint, .. flags], Browser);

    /// <summary>Runs <c>mcp-oauth command &lt;mcp endpoint&gt; flags</c>, which must not open a browser.</summary>
    public Task<CliOutcome> RunAsync(string command, params string[] flags) => CliHarness.RunAsync([command, Mcp.McpEndpoint, .. flags], browser: null);

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        Temp.Dispose();
        await Mcp.DisposeAsync();
        await Authorization.DisposeAsync();
    }
}
