using System.Diagnostics;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>
/// <c>--smoke</c>: every benchmark for a few iterations, for CI. It asserts only correctness, never a time: each
/// BenchmarkDotNet benchmark runs once without error; every burst makes exactly one token request and all its requests
/// succeed; a warm start makes no discovery, registration, authorization or token request; churn over two-second tokens
/// refreshes each token once and never sees a 401.
/// </summary>
internal sealed class SmokeRun
{
    private readonly List<(string Name, bool Passed, string Detail)> _checks = [];

    public static async Task<int> RunAsync()
    {
        var started = Stopwatch.StartNew();
        var smoke = new SmokeRun();
        smoke.RunBenchmarkDotNet();
        await smoke.RunScenariosAsync();
        await smoke.RunRedisAsync();
        foreach (string expected in new[] { "Expiry burst", "Warm start", "Expiry churn", "Redis store" })
        {
            if (!smoke._checks.Any(c => c.Name.StartsWith(expected, StringComparison.Ordinal)))
            {
                smoke.Check(expected, false, "did not run");
            }
        }

        int failedChecks = smoke._checks.Count(c => !c.Passed);
        Console.WriteLine($"smoke: {smoke._checks.Count - failedChecks} passed, {failedChecks} failed ({started.Elapsed.TotalSeconds:F0} s)");
        return failedChecks == 0 ? 0 : 1;
    }

    private void Check(string name, bool passed, string detail)
    {
        _checks.Add((name, passed, detail));
        Console.WriteLine($"{(passed ? "PASS" : "FAIL")} {name}: {detail}");
    }

    private void CheckBurst(string name, BurstOutcome burst) => Check(name, burst.IsCorrect,
        $"{burst.Requests} requests: {burst.TokenRequests} token request(s), {burst.Succeeded} succeeded, {burst.Unauthorized} 401s");

    private void RunBenchmarkDotNet()
    {
        foreach (Type type in SuiteConfig.BenchmarkTypes)
        {
            var logger = new AccumulationLogger();
            Summary summary = BenchmarkRunner.Run(type, SuiteConfig.For(type, Path.Combine(RepositoryPaths.Artifacts, "smoke"), logger, smoke: true));
            List<BenchmarkRow> rows = BenchmarkRow.From(summary);
            int failed = rows.Count(r => !r.Succeeded);
            bool passed = rows.Count > 0 && failed == 0 && !summary.HasCriticalValidationErrors;
            Check($"BenchmarkDotNet {type.Name}", passed, $"{rows.Count} benchmarks ran once, {failed} failed");
            if (!passed)
            {
                Console.WriteLine(logger.GetLog());
            }
        }
    }

    private async Task RunScenariosAsync()
    {
        var results = new RunResults();
        try
        {
            await BenchmarkProgram.RunScenariosAsync(results, full: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Check("Loopback scenarios", false, ex.ToString());
        }

        foreach (BurstOutcome burst in results.Bursts)
        {
            CheckBurst("Expiry burst", burst);
        }

        foreach (ColdConnectResult cold in results.ColdConnects)
        {
            // Reported, not asserted: the count is a measurement of each client, and the SDK is not ours to hold to it.
            Console.WriteLine($"INFO Cold connect, {cold.Client}: {cold.Requests.AuthRequests} OAuth requests " +
                $"(spec minimum {ColdConnectScenario.SpecMinimumAuthRequests}), {cold.Requests.McpAuthorized} MCP requests with a token");
        }

        foreach (ToolCallRequests calls in results.ToolCalls)
        {
            Console.WriteLine($"INFO tools/call, {calls.Client}: {calls.RequestsPerCall:F3} HTTP requests per call, {calls.OAuthRequests} OAuth requests");
        }

        foreach (ChurnResult churn in results.Churn)
        {
            Check($"Expiry churn, {churn.Client}",
                churn.Unauthorized == 0 && churn.FailedCalls == 0 && churn.Refreshes >= 2 && churn.MaxRefreshesPerToken == 1 && churn.RefreshTokenReuses == 0,
                $"{churn.Calls} calls over {churn.Seconds:F1} s with {churn.TokenLifetimeSeconds:F0} s tokens: {churn.Unauthorized} 401s, " +
                $"{churn.Refreshes} refreshes, at most {churn.MaxRefreshesPerToken} per token, {churn.FailedCalls} failed calls" +
                (churn.FirstFailure is null ? string.Empty : $" (first: {churn.FirstFailure})"));
        }

        if (results.WarmStart is { } warm)
        {
            Check("Warm start", warm.IsCorrect,
                $"new process: exit {warm.ChildExitCode}, {warm.Child.DiscoveryAndRegistration} discovery/registration, {warm.Child.Authorize} authorize, " +
                $"{warm.Child.TokenCode + warm.Child.TokenRefresh} token, {warm.Child.McpUnauthorized} 401s, {warm.Child.McpAuthorized} MCP requests; " +
                $"{warm.InProcessRepetitions} new providers: {warm.InProcess.AuthRequests} OAuth requests, {warm.InProcess.McpAuthorized} MCP requests" +
                (warm.ChildExitCode == 0 ? string.Empty : $"; child said: {warm.ChildOutput}"));
        }
    }

    private async Task RunRedisAsync()
    {
        try
        {
            Redis.RedisStoreResult redis = await Redis.RedisStoreScenario.RunAsync(full: false);
            Check("Redis store, steady state", redis.SteadyStateIsCorrect,
                $"{redis.SteadyRedisCommands} Redis commands over {redis.SteadyRequests} requests (must be 0)");
            foreach (BurstOutcome burst in redis.Bursts)
            {
                CheckBurst("Redis store, expiry burst across 4 instances", burst);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Check("Redis store", false, ex.ToString());
        }
    }
}
