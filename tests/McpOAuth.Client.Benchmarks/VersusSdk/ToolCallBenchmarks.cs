using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace McpOAuth.Client.Benchmarks.VersusSdk;

/// <summary>
/// Benchmark 6: <c>tools/call</c> throughput on a connected McpClient holding a valid token, McpOAuth.Client against the
/// SDK's built-in OAuth, on the same loopback server (in a child process) with the same transport and handler settings.
/// Sequential: one call at a time. Parallel: <see cref="Parallelism"/> calls in flight; the time is per call.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ToolCallBenchmarks
{
    public const int Parallelism = 16;
    public const string Sequential = "sequential";
    public const string Parallel = "parallel x16";

    private ServerProcess _server = null!;
    private BrowserStandIn _browser = null!;
    private McpConnection _sdk = null!;
    private McpConnection _ours = null!;
    private readonly Task[] _inFlight = new Task[Parallelism];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        _browser = new BrowserStandIn();
        _sdk = await McpConnection.ConnectAsync(OAuthClientKind.Sdk, _server.McpUri, _browser);
        _ours = await McpConnection.ConnectAsync(OAuthClientKind.McpOAuthClient, _server.McpUri, _browser);
        await _sdk.CallEchoAsync();
        await _ours.CallEchoAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _sdk.DisposeAsync();
        await _ours.DisposeAsync();
        _browser.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "SDK built-in OAuth")]
    [BenchmarkCategory(Sequential)]
    public Task Sequential_Sdk() => _sdk.CallEchoAsync();

    [Benchmark(Description = "McpOAuth.Client")]
    [BenchmarkCategory(Sequential)]
    public Task Sequential_Ours() => _ours.CallEchoAsync();

    [Benchmark(Baseline = true, Description = "SDK built-in OAuth", OperationsPerInvoke = Parallelism)]
    [BenchmarkCategory(Parallel)]
    public Task Parallel_Sdk() => InParallelAsync(_sdk);

    [Benchmark(Description = "McpOAuth.Client", OperationsPerInvoke = Parallelism)]
    [BenchmarkCategory(Parallel)]
    public Task Parallel_Ours() => InParallelAsync(_ours);

    private Task InParallelAsync(McpConnection connection)
    {
        for (int i = 0; i < Parallelism; i++)
        {
            _inFlight[i] = connection.CallEchoAsync();
        }

        return Task.WhenAll(_inFlight);
    }
}
