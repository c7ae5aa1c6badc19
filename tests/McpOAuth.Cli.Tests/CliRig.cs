namespace McpOAuth.Cli.Tests;

/// <summary>What a CLI sign-in test runs against, started and disposed together: a loopback authorization server, an MCP
/// server that accepts its tokens, a scripted browser, and a temporary directory for the stores.</summary>
internal sealed class CliRig(ServerPair servers) : IAsyncDisposable
{
    public TestAuthorizationServer Authorization => servers.AuthorizationServer;

    public TestMcpServer Mcp => servers.McpServer;

    public ScriptedBrowser Browser { get; } = new();

    public TempDirectory Temp { get; } = new();

    /// <summary>Starts both servers (<see cref="ServerPair"/>).</summary>
    public static async Task<CliRig> StartAsync(Action<TestAuthorizationServerOptions>? authorization = null, Action<TestMcpServerOptions>? mcp = null) =>
        new(await ServerPair.StartAsync(authorization, mcp));

    /// <summary>Runs <c>mcp-oauth login &lt;mcp endpoint&gt; flags</c> with the scripted browser.</summary>
    public Task<CliOutcome> LoginAsync(params string[] flags) => CliHarness.RunAsync(["login", Mcp.McpEndpoint, .. flags], Browser);

    /// <summary>Runs <c>mcp-oauth command &lt;mcp endpoint&gt; flags</c>, which must not open a browser.</summary>
    public Task<CliOutcome> RunAsync(string command, params string[] flags) => CliHarness.RunAsync([command, Mcp.McpEndpoint, .. flags], browser: null);

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        Temp.Dispose();
        await servers.DisposeAsync();
    }
}
