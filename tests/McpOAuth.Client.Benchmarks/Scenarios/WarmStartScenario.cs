using System.Diagnostics;
using System.Globalization;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// Benchmark 5: a credential on disk (<see cref="FileTokenStore"/>) from an earlier sign-in; a new process, and then new
/// providers in this process, make their first MCP request. Neither may make a discovery, registration, authorization or
/// token request, and the MCP server must see exactly one request, carrying a valid token.
/// </summary>
internal static class WarmStartScenario
{
    public const string ChildMode = "--warm-start-child";
    private const string ChildResultPrefix = "WARM ";

    public static async Task<WarmStartResult> RunAsync(int inProcessRepetitions)
    {
        string directory = Path.Combine(Path.GetTempPath(), "mcpoauth-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var servers = await LoopbackServers.StartAsync(TimeSpan.FromHours(1));
            using var browser = new BrowserStandIn();

            // An earlier run signs in and leaves its credential on disk.
            using (var store = new FileTokenStore(directory))
            {
                await using McpConnection signIn = await McpConnection.ConnectOursAsync(servers.McpUri, browser, store);
            }

            ServerSnapshot beforeChild = servers.Snapshot();
            (int exitCode, double childMilliseconds, string childOutput) = await RunChildAsync(directory, servers.McpUri);
            RequestTally child = servers.Since(beforeChild);

            ServerSnapshot beforeInProcess = servers.Snapshot();
            var timings = new List<double>();
            for (int i = 0; i < inProcessRepetitions; i++)
            {
                timings.Add(await FirstRequestAsync(directory, servers.McpUri));
            }

            RequestTally inProcess = servers.Since(beforeInProcess);
            timings.Sort();
            return new WarmStartResult(
                exitCode,
                childOutput,
                childMilliseconds,
                child,
                inProcessRepetitions,
                inProcess,
                timings.Count == 0 ? 0 : timings[timings.Count / 2]);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The child process: <c>--warm-start-child DIRECTORY MCP-URL</c>.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        double milliseconds = await FirstRequestAsync(args[0], new Uri(args[1]));
        await Console.Out.WriteLineAsync(ChildResultPrefix + milliseconds.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>A new store, provider and connection pool; one <c>initialize</c>. Sign-in is disabled: it must not be needed.</summary>
    private static async Task<double> FirstRequestAsync(string directory, Uri endpoint)
    {
        long start = Stopwatch.GetTimestamp();
        using var store = new FileTokenStore(directory);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(new McpOAuthOptions { ServerUri = endpoint, AllowInteractive = false }, store);
        using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });
        await RawMcp.InitializeAsync(http, endpoint);
        double milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        (provider as IDisposable)?.Dispose();
        return milliseconds;
    }

    private static async Task<(int ExitCode, double Milliseconds, string Output)> RunChildAsync(string directory, Uri endpoint)
    {
        CliResult child = await ChildProcess.RunAsync(HostAssembly.Path, "warm-start child", [ChildMode, directory, endpoint.AbsoluteUri]);
        string output = child.StandardOutput;
        double milliseconds = double.NaN;
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith(ChildResultPrefix, StringComparison.Ordinal))
            {
                milliseconds = double.Parse(line[ChildResultPrefix.Length..], CultureInfo.InvariantCulture);
            }
        }

        return (child.ExitCode, milliseconds, (output + child.StandardError).Trim());
    }
}

internal sealed record WarmStartResult(
    int ChildExitCode,
    string ChildOutput,
    double ChildFirstRequestMilliseconds,
    RequestTally Child,
    int InProcessRepetitions,
    RequestTally InProcess,
    double InProcessMedianMilliseconds)
{
    /// <summary>Gets whether every warm start made one authorized MCP request and nothing else.</summary>
    public bool IsCorrect =>
        ChildExitCode == 0
        && Child.AuthRequests == 0 && Child.McpAuthorized == 1
        && InProcess.AuthRequests == 0 && InProcess.McpAuthorized == InProcessRepetitions;
}
