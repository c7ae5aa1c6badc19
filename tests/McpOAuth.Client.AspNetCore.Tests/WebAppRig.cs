namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>What a web-app sign-in test runs against, started and disposed together: the loopback <see cref="ServerPair"/>, the
/// test web app in front of their MCP server, and a browser.</summary>
internal sealed class WebAppRig(ServerPair servers, TestWebApp app) : IAsyncDisposable
{
    public ServerPair Servers => servers;

    public TestWebApp App => app;

    public TestBrowser Browser { get; } = new();

    /// <summary>Starts the servers, then the app; the servers are stopped again if the app does not start.</summary>
    /// <param name="app">Sets up the app (its options, stores, clock).</param>
    /// <param name="time">The servers' clock.</param>
    public static async Task<WebAppRig> StartAsync(Action<TestWebAppSetup>? app = null, TimeProvider? time = null)
    {
        ServerPair servers = await WebAppServers.StartAsync(time);
        try
        {
            return new WebAppRig(servers, await TestWebApp.StartAsync(servers.McpServer, app));
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    public void Deconstruct(out ServerPair servers, out TestWebApp app, out TestBrowser browser) => (servers, app, browser) = (Servers, App, Browser);

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await App.DisposeAsync();
        await Servers.DisposeAsync();
    }
}
