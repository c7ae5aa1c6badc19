using System.Diagnostics;

namespace McpOAuth.Client.Benchmarks.SteadyState;

/// <summary>
/// The steady state measured in interleaved rounds: each round times a batch of requests through the floor and through
/// each other pipeline back to back, in rotating order, and the ratio is taken per round. Other work on the machine then
/// slows both sides of a ratio alike, which a BenchmarkDotNet run (one benchmark after another) cannot promise on a shared
/// two-core machine. The median over the rounds is reported.
/// </summary>
internal static class PairedTiming
{
    public static List<PairedRatio> Run(int rounds, int batch)
    {
        SteadyStatePipelines pipelines = SteadyStatePipelines.CreateAsync().GetAwaiter().GetResult();
        try
        {
            var results = new List<PairedRatio>();
            results.AddRange(Measure("same Uri", pipelines, newUri: false, rounds, batch));
            results.AddRange(Measure("new Uri per request", pipelines, newUri: true, rounds, batch));
            return results;
        }
        finally
        {
            pipelines.Dispose();
        }
    }

    private static List<PairedRatio> Measure(string uri, SteadyStatePipelines pipelines, bool newUri, int rounds, int batch)
    {
        var contenders = new (string Name, HttpClient Client)[]
        {
            ("Floor", pipelines.Floor),
            ("Floor, async handler", pipelines.FloorAsync),
            ("McpOAuthHandler", pipelines.Ours),
        };
        var nanoseconds = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = -5; round < rounds; round++)
        {
            var perRequest = new double[contenders.Length];
            for (int k = 0; k < contenders.Length; k++)
            {
                int i = (k + Math.Max(round, 0)) % contenders.Length; // rotate the order
                long start = Stopwatch.GetTimestamp();
                for (int n = 0; n < batch; n++)
                {
                    Task task = SteadyStatePipelines.SendAsync(
                        contenders[i].Client, newUri ? new Uri(SteadyStatePipelines.EndpointString) : SteadyStatePipelines.Endpoint);
                    if (!task.IsCompletedSuccessfully)
                    {
                        task.GetAwaiter().GetResult();
                    }
                }

                perRequest[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch;
            }

            if (round >= 0)
            {
                for (int i = 0; i < contenders.Length; i++)
                {
                    nanoseconds[i].Add(perRequest[i]);
                }
            }
        }

        var results = new List<PairedRatio>();
        for (int i = 0; i < contenders.Length; i++)
        {
            Quartiles ratios = Quartiles.Of(nanoseconds[i].Zip(nanoseconds[0], (mine, floor) => mine / floor));
            results.Add(new PairedRatio(
                contenders[i].Name, uri, Quartiles.Of(nanoseconds[i]).Median, ratios.Median, ratios.Lower, ratios.Upper, rounds, batch));
        }

        return results;
    }
}

/// <summary>A pipeline's median time per request and its median per-round ratio to the floor, with the quartiles.</summary>
internal sealed record PairedRatio(
    string Pipeline, string Uri, double MedianNanoseconds, double MedianRatio, double RatioLowerQuartile, double RatioUpperQuartile, int Rounds, int Batch);
