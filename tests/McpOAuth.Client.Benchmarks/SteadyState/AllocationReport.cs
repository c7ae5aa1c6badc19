using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace McpOAuth.Client.Benchmarks.SteadyState;

/// <summary>
/// Where the steady state's bytes go, per request and per type. The in-memory pipeline completes synchronously, so the exact
/// bytes per request come from the thread's allocation counter; the split by type comes from the runtime's
/// <c>GCAllocationTick</c> events (one sample about every 100 KB), scaled to that exact total.
/// </summary>
internal static class AllocationReport
{
    public static List<PipelineAllocations> Run(int requests)
    {
        SteadyStatePipelines pipelines = SteadyStatePipelines.CreateAsync().GetAwaiter().GetResult();
        try
        {
            var pipelinesToMeasure = new (string Name, HttpClient Client, bool NewUri)[]
            {
                ("Floor, same Uri", pipelines.Floor, false),
                ("Floor, async handler, same Uri", pipelines.FloorAsync, false),
                ("McpOAuthHandler, same Uri", pipelines.Ours, false),
                ("Floor, new Uri per request", pipelines.Floor, true),
                ("McpOAuthHandler, new Uri per request", pipelines.Ours, true),
            };
            var results = new List<PipelineAllocations>();
            foreach (var (name, client, newUri) in pipelinesToMeasure)
            {
                Loop(client, newUri, 20_000); // tiering and caches
                long before = GC.GetAllocatedBytesForCurrentThread();
                Loop(client, newUri, requests);
                double exact = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)requests;

                using var sampler = new AllocationSampler();
                Loop(client, newUri, requests * 10);
                results.Add(new PipelineAllocations(name, exact, sampler.PerRequest(exact)));
            }

            return results;
        }
        finally
        {
            pipelines.Dispose();
        }
    }

    /// <summary>Bytes per cold connect for each client (servers in a child process, so only the client and the browser
    /// stand-in allocate here), split by type the same way.</summary>
    public static async Task<List<PipelineAllocations>> RunColdConnectAsync(int connects)
    {
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        using var browser = new BrowserStandIn();
        var results = new List<PipelineAllocations>();
        foreach (OAuthClientKind kind in new[] { OAuthClientKind.Sdk, OAuthClientKind.SdkWithListener, OAuthClientKind.McpOAuthClient })
        {
            for (int i = 0; i < 20; i++)
            {
                await (await McpConnection.ConnectAsync(kind, server.McpUri, browser)).DisposeAsync();
            }

            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < connects; i++)
            {
                await (await McpConnection.ConnectAsync(kind, server.McpUri, browser)).DisposeAsync();
            }

            double exact = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)connects;
            using var sampler = new AllocationSampler();
            for (int i = 0; i < connects; i++)
            {
                await (await McpConnection.ConnectAsync(kind, server.McpUri, browser)).DisposeAsync();
            }

            string name = kind switch
            {
                OAuthClientKind.Sdk => "Cold connect, SDK built-in OAuth",
                OAuthClientKind.SdkWithListener => "Cold connect, SDK built-in OAuth, HttpListener callback",
                _ => "Cold connect, McpOAuth.Client",
            };
            results.Add(new PipelineAllocations(name, exact, sampler.PerRequest(exact)));
        }

        return results;
    }

    private static void Loop(HttpClient client, bool newUri, int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            Task task = SteadyStatePipelines.SendAsync(client, newUri ? new Uri(SteadyStatePipelines.EndpointString) : SteadyStatePipelines.Endpoint);
            if (!task.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The in-memory pipeline did not complete synchronously; the per-thread count would miss bytes.");
            }
        }
    }

    /// <summary>Listens to the runtime's allocation sampling events for the time it is alive.</summary>
    internal sealed class AllocationSampler : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
        private bool _enabled;

        public List<TypeAllocations> PerRequest(double exactBytesPerRequest)
        {
            // Stop first, then let events already in flight arrive.
            Volatile.Write(ref _enabled, false);
            long total = _bytesByType.Values.Sum();
            return [.. _bytesByType
                .Where(pair => pair.Value * 100 >= total) // 1% and more
                .OrderByDescending(pair => pair.Value)
                .Select(pair => new TypeAllocations(pair.Key, exactBytesPerRequest * pair.Value / Math.Max(1, total)))];
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                Volatile.Write(ref _enabled, true);
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!Volatile.Read(ref _enabled) || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true
                || eventData.Payload is null || eventData.PayloadNames is null)
            {
                return;
            }

            string? type = null;
            long amount = 0;
            for (int i = 0; i < eventData.PayloadNames.Count; i++)
            {
                switch (eventData.PayloadNames[i])
                {
                    case "TypeName":
                        type = eventData.Payload[i] as string;
                        break;
                    case "AllocationAmount64":
                        amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    default:
                        break;
                }
            }

            if (type is not null && amount > 0)
            {
                _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
            }
        }
    }
}

internal sealed record PipelineAllocations(string Pipeline, double BytesPerRequest, List<TypeAllocations> ByType);

internal sealed record TypeAllocations(string Type, double BytesPerRequest);
