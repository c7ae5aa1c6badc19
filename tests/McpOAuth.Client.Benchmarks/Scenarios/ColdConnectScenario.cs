using System.Diagnostics;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// Benchmark 3: one cold connect per client against fresh loopback servers, counting every request either server
/// receives, against the minimum the MCP authorization spec allows for this layout (an authorization server apart from
/// the MCP server, dynamic registration): 401, PRM, AS metadata, registration, authorize, token, and the retried request.
/// </summary>
internal static class ColdConnectScenario
{
    /// <summary>The fewest OAuth requests a spec-following client can make here: 401, PRM, AS metadata, registration,
    /// authorize and token. The retried MCP request makes seven.</summary>
    public const int SpecMinimumAuthRequests = 6;

    public static async Task<List<ColdConnectResult>> RunAsync(int repetitions)
    {
        var results = new List<ColdConnectResult>();
        await using var servers = await LoopbackServers.StartAsync(TimeSpan.FromHours(1));
        using var browser = new BrowserStandIn();

        // Warm the servers, the JIT and the browser's connection once per client, outside the counts.
        await ConnectOnceAsync(servers, "warm-up ours", async () => await OursRawAsync(servers, browser));
        await ConnectOnceAsync(servers, "warm-up ours", async () => await (await McpConnection.ConnectOursAsync(servers.McpUri, browser, null)).DisposeAsync());
        await ConnectOnceAsync(servers, "warm-up sdk", async () => await (await McpConnection.ConnectSdkAsync(servers.McpUri, browser)).DisposeAsync());

        for (int i = 0; i < repetitions; i++)
        {
            results.Add(await ConnectOnceAsync(servers, "McpOAuth.Client, HttpClient initialize", async () => await OursRawAsync(servers, browser)));
            results.Add(await ConnectOnceAsync(servers, "McpOAuth.Client, SDK McpClient", async () =>
                await (await McpConnection.ConnectOursAsync(servers.McpUri, browser, null)).DisposeAsync()));
            results.Add(await ConnectOnceAsync(servers, "SDK built-in OAuth, SDK McpClient", async () =>
                await (await McpConnection.ConnectSdkAsync(servers.McpUri, browser)).DisposeAsync()));
        }

        return results;
    }

    private static async Task OursRawAsync(LoopbackServers servers, BrowserStandIn browser)
    {
        var options = new McpOAuthOptions { ServerUri = servers.McpUri, LaunchBrowser = browser.LaunchAsync };
        using var backchannel = new SocketsHttpHandler { AllowAutoRedirect = false };
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, new InMemoryTokenStore(), backchannel);
        using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });
        await RawMcp.InitializeAsync(http, servers.McpUri);
        (provider as IDisposable)?.Dispose();
    }

    private static async Task<ColdConnectResult> ConnectOnceAsync(LoopbackServers servers, string client, Func<Task> connect)
    {
        ServerSnapshot before = servers.Snapshot();
        long start = Stopwatch.GetTimestamp();
        await connect();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        return new ColdConnectResult(client, servers.Since(before), elapsed.TotalMilliseconds);
    }
}

internal sealed record ColdConnectResult(string Client, RequestTally Requests, double ElapsedMilliseconds);
