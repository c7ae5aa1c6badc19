using System.Diagnostics;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>The command line: <c>--all</c>, <c>--smoke</c>, <c>--chart</c> and the parts they are made of.</summary>
internal static class BenchmarkProgram
{
    private const string Usage = """
        McpOAuth.Client benchmarks (issue 6). Run with: dotnet run -c Release --project tests/McpOAuth.Client.Benchmarks -- <mode>

          --all              every benchmark at full size (about ten minutes on two cores): BenchmarkDotNet suites, the
                             loopback scenarios and the allocation report; writes artifacts/benchmarks/results.{json,md}
                             and docs/benchmarks.png
          --smoke            every benchmark for a few iterations (well under a minute); asserts only correctness (exactly
                             one token request per burst, zero discovery/registration requests on a warm start, one refresh
                             per token and zero 401s under churn), never times; exits 1 on a violation
          --redis            the Redis store benchmarks (issue 11): steady state against the memory store with Redis
                             commands counted, 1,000-request expiry bursts across 4 instances, renewal latency; needs
                             tests/redis/install.sh
          --chart [results]  draws docs/benchmarks.png from a results file (default: the last --all run, else the reference run)
          --report [results] prints the Markdown tables of a results file
          --scenarios        the loopback scenarios only (benchmarks 2 to 5), at full size
          --paired           the steady state in interleaved rounds (ratio per round, robust to other load)
          --paired-calls     tools/call through both clients in interleaved rounds (speed ratio per round)
          --alloc-report     the steady state's allocations per request, by type
          --first-use [N]    the first sign-in + call in a fresh process: N repetitions (default 10) of one new process per
                             client (no auth, SDK, SDK with a listener, ours), order rotated; median and range
          --first-use-jit [CLIENT ...]  what the JIT compiled in one fresh first-use process per client, by namespace
          --cold-loop sdk|sdk-listener|ours N  N cold connects back to back, for a profiler (dotnet-trace collect -- ...)
          --alloc-stacks TRACE N [TOP]  attributes a dotnet-trace gc-verbose recording of N operations to its allocating code
          --bdn [args]       BenchmarkDotNet's own command line over the suites (e.g. --bdn --filter *SteadyState*)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        HostAssembly.Publish();
        string mode = args.Length == 0 ? "--help" : args[0];
        string[] rest = args.Length == 0 ? [] : args[1..];
        switch (mode)
        {
            case "--all":
                return await RunAllAsync();
            case "--smoke":
                return await SmokeRun.RunAsync();
            case "--chart":
                return DrawChart(rest);
            case "--redis":
                Console.WriteLine((await McpOAuth.Client.Benchmarks.Redis.RedisStoreScenario.RunAsync(full: true)).Describe());
                return 0;
            case "--report":
                Console.WriteLine(ReportWriter.ToMarkdown(RunResults.Load(rest.Length > 0 ? rest[0] : DefaultResults())));
                return 0;
            case "--scenarios":
                var scenarios = new RunResults { StartedAt = DateTimeOffset.UtcNow, Machine = MachineInfo.Read() };
                await RunScenariosAsync(scenarios, full: true);
                Console.WriteLine(ReportWriter.ToMarkdown(scenarios));
                return 0;
            case "--paired":
                var paired = new RunResults { Paired = PairedTiming.Run(rounds: 300, batch: 10_000) };
                Console.WriteLine(ReportWriter.ToMarkdown(paired));
                return 0;
            case "--paired-calls":
                var pairedCalls = new RunResults { PairedCalls = await PairedToolCalls.RunAsync(rounds: 30, batch: 400) };
                Console.WriteLine(ReportWriter.ToMarkdown(pairedCalls));
                return 0;
            case "--alloc-report":
                var allocations = new RunResults { Allocations = AllocationReport.Run(200_000) };
                allocations.Allocations.AddRange(await AllocationReport.RunColdConnectAsync(200));
                Console.WriteLine(ReportWriter.ToMarkdown(allocations));
                return 0;
            case "--bdn":
                BenchmarkSwitcher.FromTypes(SuiteConfig.BenchmarkTypes).Run(rest);
                return 0;
            case "--cold-loop":
                // For a profiler: --cold-loop sdk|ours COUNT runs cold connects back to back against a server process.
                await ColdLoopAsync(rest[0] switch { "sdk" => OAuthClientKind.Sdk, "sdk-listener" => OAuthClientKind.SdkWithListener, _ => OAuthClientKind.McpOAuthClient }, int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            case "--first-use":
                int repetitions = rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
                Log($"First use in a fresh process, {repetitions} repetitions; load {RunResults.ReadLoad()}");
                Console.WriteLine(FirstUseScenario.ToMarkdown(await FirstUseScenario.RunAsync(repetitions)));
                Log($"Load at the end: {RunResults.ReadLoad()}");
                return 0;
            case "--first-use-jit":
                return await FirstUseJit.RunAsync(rest);
            case FirstUseScenario.ChildMode:
                return await FirstUseScenario.ChildAsync(rest);
            case "--alloc-stacks":
                return AllocationStacks.Run(rest);
            case "--serve":
                return await ServerHost.RunAsync(rest);
            case WarmStartScenario.ChildMode:
                return await WarmStartScenario.ChildAsync(rest);
            default:
                Console.WriteLine(Usage);
                return mode is "--help" or "-h" ? 0 : 2;
        }
    }

    public static async Task RunScenariosAsync(RunResults results, bool full)
    {
        Log("Scenario 2: expiry bursts");
        results.Bursts = await BurstScenario.RunAsync(full ? 50 : 3);
        Log("Scenario 3: cold connect request counts");
        results.ColdConnects = await ColdConnectScenario.RunAsync(full ? 5 : 1);
        Log("Scenario 4: expiry churn");
        // Two-second tokens: with the default skew a token is renewed when one second is left, a margin that even a
        // loaded CI machine keeps; the smoke run still sees several renewals.
        TimeSpan lifetime = TimeSpan.FromSeconds(2);
        TimeSpan duration = TimeSpan.FromSeconds(full ? 20 : 5);
        results.Churn = [await ChurnScenario.RunAsync(OAuthClientKind.McpOAuthClient, lifetime, duration, workers: 4)];
        if (full)
        {
            // A skew well under half the lifetime renews about once per lifetime instead of twice.
            results.Churn.Add(await ChurnScenario.RunAsync(OAuthClientKind.McpOAuthClient, lifetime, duration, workers: 4, TimeSpan.FromMilliseconds(250)));
            results.Churn.Add(await ChurnScenario.RunAsync(OAuthClientKind.Sdk, lifetime, duration, workers: 4));
        }

        Log("Scenario 6: requests per tools/call");
        results.ToolCalls = await ToolCallRequestsScenario.RunAsync(full ? 5000 : 200);

        Log("Scenario 5: warm start");
        results.WarmStart = await WarmStartScenario.RunAsync(full ? 20 : 3);
    }

    private static async Task<int> RunAllAsync()
    {
        var started = Stopwatch.StartNew();
        var results = new RunResults { StartedAt = DateTimeOffset.UtcNow, Machine = MachineInfo.Read(), LoadAtStart = RunResults.ReadLoad() };
        await RunScenariosAsync(results, full: true);

        Log("Steady state, interleaved rounds");
        results.Paired = PairedTiming.Run(rounds: 300, batch: 10_000);

        Log("tools/call, interleaved rounds");
        results.PairedCalls = await PairedToolCalls.RunAsync(rounds: 30, batch: 400);

        Log("Allocation report");
        results.Allocations = AllocationReport.Run(200_000);
        results.Allocations.AddRange(await AllocationReport.RunColdConnectAsync(200));

        // One call for every suite, so BenchmarkDotNet builds its benchmark project once.
        Log("BenchmarkDotNet: " + string.Join(", ", SuiteConfig.BenchmarkTypes.Select(t => t.Name)));
        BenchmarkRunInfo[] suites = [.. SuiteConfig.BenchmarkTypes.Select(type => BenchmarkConverter.TypeToBenchmarks(
            type, SuiteConfig.For(type, Path.Combine(RepositoryPaths.Artifacts, "bdn"), ConsoleLogger.Default, smoke: false)))];
        bool allSucceeded = true;
        foreach (Summary summary in BenchmarkRunner.Run(suites))
        {
            List<BenchmarkRow> rows = BenchmarkRow.From(summary);
            allSucceeded &= rows.Count > 0 && rows.All(r => r.Succeeded) && !summary.HasCriticalValidationErrors;
            results.Benchmarks.AddRange(rows);
        }

        results.DurationSeconds = started.Elapsed.TotalSeconds;
        results.LoadAtEnd = RunResults.ReadLoad();
        results.Save(RepositoryPaths.ResultsJson);
        string markdown = ReportWriter.ToMarkdown(results);
        await File.WriteAllTextAsync(RepositoryPaths.ResultsMarkdown, markdown);
        ChartWriter.Write(results, RepositoryPaths.Chart);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Log($"Results: {RepositoryPaths.ResultsJson}, {RepositoryPaths.ResultsMarkdown}; chart: {RepositoryPaths.Chart}; {started.Elapsed.TotalMinutes:F1} min.");
        return allSucceeded ? 0 : 1;
    }

    private static async Task ColdLoopAsync(OAuthClientKind kind, int count)
    {
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        using var browser = new BrowserStandIn();
        for (int i = 0; i < count; i++)
        {
            await (await McpConnection.ConnectAsync(kind, server.McpUri, browser)).DisposeAsync();
        }
    }

    private static int DrawChart(string[] args)
    {
        string source = args.Length > 0 ? args[0] : DefaultResults();
        string target = args.Length > 1 ? args[1] : RepositoryPaths.Chart;
        ChartWriter.Write(RunResults.Load(source), target);
        Console.WriteLine($"Drew {target} from {source}.");
        return 0;
    }

    private static string DefaultResults() =>
        File.Exists(RepositoryPaths.ResultsJson) ? RepositoryPaths.ResultsJson : RepositoryPaths.ReferenceResults;

    public static void Log(string message) =>
        Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
