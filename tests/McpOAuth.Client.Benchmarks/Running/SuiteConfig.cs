using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>The BenchmarkDotNet classes and the job each runs with, sized to keep the full run near ten minutes on two cores.</summary>
internal static class SuiteConfig
{
    public static readonly Type[] BenchmarkTypes =
        [typeof(SteadyStateBenchmarks), typeof(ExpiryBurstBenchmarks), typeof(ColdConnectBenchmarks), typeof(ToolCallBenchmarks)];

    public static IConfig For(Type benchmarkType, string artifactsPath, ILogger logger, bool smoke)
    {
        Job job = smoke ? SmokeJob() : FullJob(benchmarkType);
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(logger)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifactsPath)
            .WithOption(ConfigOptions.DisableLogFile, smoke);
    }

    /// <summary>One invocation of each benchmark, in this process: proves they compile, set up and run, and measures nothing.</summary>
    private static Job SmokeJob() => Job.Dry.WithToolchain(InProcessEmitToolchain.DontLogOutput).WithId("Smoke");

    private static Job FullJob(Type benchmarkType)
    {
        if (benchmarkType == typeof(SteadyStateBenchmarks))
        {
            // Nanoseconds: enough iterations for a tight interval on the ratio.
            return Job.Default.WithLaunchCount(1).WithWarmupCount(8).WithIterationCount(20).WithId("SteadyState");
        }

        if (benchmarkType == typeof(ExpiryBurstBenchmarks))
        {
            // One burst per iteration: the iteration setup expires the token that the burst then refreshes.
            return Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(20)
                .WithInvocationCount(1).WithUnrollFactor(1).WithId("Burst");
        }

        if (benchmarkType == typeof(ColdConnectBenchmarks))
        {
            // Each operation is a full sign-in (milliseconds); a fixed count bounds the clients the servers accumulate.
            return Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15)
                .WithInvocationCount(8).WithUnrollFactor(1).WithId("ColdConnect");
        }

        return Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15).WithId("ToolCalls");
    }
}
