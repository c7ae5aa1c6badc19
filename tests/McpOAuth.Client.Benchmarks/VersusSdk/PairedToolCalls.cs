using System.Diagnostics;

namespace McpOAuth.Client.Benchmarks.VersusSdk;

/// <summary>
/// Benchmark 6's throughput measured in interleaved rounds: both clients stay connected to one server process, and each
/// round times a batch of sequential calls, then a batch of parallel calls, through each client in rotating order. The
/// per-round ratio is immune to load that comes and goes on a shared machine; the median over the rounds is reported.
/// </summary>
internal static class PairedToolCalls
{
    public static async Task<List<PairedCallRatio>> RunAsync(int rounds, int batch)
    {
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        using var browser = new BrowserStandIn();
        await using McpConnection sdk = await McpConnection.ConnectAsync(OAuthClientKind.Sdk, server.McpUri, browser);
        await using McpConnection ours = await McpConnection.ConnectAsync(OAuthClientKind.McpOAuthClient, server.McpUri, browser);
        McpConnection[] clients = [sdk, ours];
        var results = new List<PairedCallRatio>();
        foreach (int parallelism in new[] { 1, ToolCallBenchmarks.Parallelism })
        {
            var perCall = new[] { new List<double>(), new List<double>() };
            for (int round = -3; round < rounds; round++)
            {
                var times = new double[2];
                for (int k = 0; k < 2; k++)
                {
                    int i = (k + Math.Max(round, 0)) % 2;
                    long start = Stopwatch.GetTimestamp();
                    for (int n = 0; n < batch; n += parallelism)
                    {
                        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => clients[i].CallEchoAsync()));
                    }

                    times[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch;
                }

                if (round >= 0)
                {
                    perCall[0].Add(times[0]);
                    perCall[1].Add(times[1]);
                }
            }

            Quartiles speed = Quartiles.Of(perCall[0].Zip(perCall[1], (theirs, mine) => theirs / mine));
            results.Add(new PairedCallRatio(
                parallelism == 1 ? "sequential" : $"{parallelism} in parallel",
                Quartiles.Of(perCall[0]).Median,
                Quartiles.Of(perCall[1]).Median,
                speed.Median,
                speed.Lower,
                speed.Upper,
                rounds,
                batch));
        }

        return results;
    }
}

/// <summary>Median time per call for each client, and the median per-round speed ratio (SDK time ÷ our time) with quartiles.</summary>
internal sealed record PairedCallRatio(
    string Workload, double SdkNanoseconds, double OursNanoseconds, double MedianSpeedRatio, double SpeedLowerQuartile, double SpeedUpperQuartile, int Rounds, int Batch);
