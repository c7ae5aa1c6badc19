using System.Diagnostics;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// Benchmark 6's check on the wire: how many HTTP requests each client sends per <c>tools/call</c> once connected (both
/// should send exactly one, with a valid token), and the mean time per sequential call with the servers in this process.
/// </summary>
internal static class ToolCallRequestsScenario
{
    public static async Task<List<ToolCallRequests>> RunAsync(int calls)
    {
        await using var servers = await LoopbackServers.StartAsync(TimeSpan.FromHours(1));
        using var browser = new BrowserStandIn();
        var results = new List<ToolCallRequests>();
        foreach (OAuthClientKind kind in new[] { OAuthClientKind.Sdk, OAuthClientKind.McpOAuthClient })
        {
            await using McpConnection connection = await McpConnection.ConnectAsync(kind, servers.McpUri, browser);
            for (int i = 0; i < 200; i++)
            {
                await connection.CallEchoAsync();
            }

            ServerSnapshot before = servers.Snapshot();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                await connection.CallEchoAsync();
            }

            double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
            RequestTally tally = servers.Since(before);
            results.Add(new ToolCallRequests(
                kind == OAuthClientKind.Sdk ? "SDK built-in OAuth" : "McpOAuth.Client",
                calls,
                (double)tally.Total / calls,
                tally.AuthRequests,
                microseconds));
        }

        return results;
    }
}

internal sealed record ToolCallRequests(string Client, int Calls, double RequestsPerCall, int OAuthRequests, double MicrosecondsPerCall);
