using BenchmarkDotNet.Attributes;

namespace McpOAuth.Client.Benchmarks.Burst;

/// <summary>
/// Benchmark 2: 1,000 concurrent requests on an expired token, with the token endpoint in memory and held until all of
/// them are in flight. One operation is one whole burst: the time until the last request completes. Each burst checks
/// itself (exactly one token request, all 1,000 answered 200, no 401) and fails the benchmark otherwise.
/// </summary>
[MemoryDiagnoser]
public class ExpiryBurstBenchmarks
{
    public const int Requests = 1000;

    private BurstRig _rig = null!;

    [GlobalSetup]
    public async Task SetupAsync() => _rig = await BurstRig.CreateAsync();

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    [IterationSetup]
    public void ExpireToken() => _rig.ExpireToken();

    [Benchmark(Description = "1,000 concurrent requests, expired token")]
    public async Task Burst()
    {
        BurstOutcome outcome = await _rig.FireAsync(Requests);
        if (!outcome.IsCorrect)
        {
            throw new InvalidOperationException($"Burst violated its contract: {outcome}.");
        }
    }
}
