using System.Text;
using static McpOAuth.Client.Benchmarks.Reporting.Format;

namespace McpOAuth.Client.Benchmarks.Reporting;

/// <summary>Turns a run's results into the Markdown tables of <c>docs/benchmarks.md</c>.</summary>
internal static class ReportWriter
{
    private const string Steady = nameof(SteadyStateBenchmarks);
    private const string Cold = nameof(ColdConnectBenchmarks);
    private const string Calls = nameof(ToolCallBenchmarks);

    public static string ToMarkdown(RunResults results)
    {
        var md = new StringBuilder();
        Machine(md, results);
        SteadyState(md, results);
        Paired(md, results);
        Allocations(md, results);
        Bursts(md, results);
        ColdConnect(md, results);
        Churn(md, results);
        WarmStart(md, results);
        VersusSdk(md, results);
        return md.ToString();
    }

    /// <summary>The comparisons the chart draws: ours relative to the reference, for time and for bytes.</summary>
    public static List<(string Label, double TimeRatio, double BytesRatio)> Comparisons(RunResults r)
    {
        var list = new List<(string, double, double)>();
        void Add(string label, BenchmarkRow? reference, BenchmarkRow? ours)
        {
            if (reference is not null && ours is not null)
            {
                list.Add((label, ours.MeanNanoseconds / reference.MeanNanoseconds, (ours.AllocatedBytes ?? double.NaN) / (reference.AllocatedBytes ?? double.NaN)));
            }
        }

        Add("Steady state\n(same Uri) vs floor", r.Row(Steady, "Floor_SameUri"), r.Row(Steady, "Ours_SameUri"));
        Add("Steady state\n(new Uri) vs floor", r.Row(Steady, "Floor_NewUri"), r.Row(Steady, "Ours_NewUri"));
        Add("Cold connect vs SDK\n(code from redirect)", r.Row(Cold, "Sdk"), r.Row(Cold, "Ours"));
        Add("Cold connect vs SDK\n(HttpListener callback)", r.Row(Cold, "SdkWithListener"), r.Row(Cold, "Ours"));
        // tools/call: the interleaved rounds give the time ratio (one process, both clients, load shared alike);
        // BenchmarkDotNet gives the bytes.
        foreach (var (label, workload, sdkMethod, oursMethod) in new[]
        {
            ("Sequential tools/call\nvs SDK", "sequential", "Sequential_Sdk", "Sequential_Ours"),
            ("Parallel tools/call\nvs SDK", "in parallel", "Parallel_Sdk", "Parallel_Ours"),
        })
        {
            BenchmarkRow? sdk = r.Row(Calls, sdkMethod);
            BenchmarkRow? ours = r.Row(Calls, oursMethod);
            PairedCallRatio? paired = r.PairedCalls.FirstOrDefault(p => p.Workload.EndsWith(workload, StringComparison.Ordinal));
            if (paired is not null)
            {
                list.Add((label + " (interleaved)", 1 / paired.MedianSpeedRatio,
                    (ours?.AllocatedBytes ?? double.NaN) / (sdk?.AllocatedBytes ?? double.NaN)));
            }
            else
            {
                Add(label, sdk, ours);
            }
        }

        return list;
    }

    private static void Machine(StringBuilder md, RunResults r)
    {
        if (r.Machine is { } m)
        {
            md.AppendLine("### Machine").AppendLine();
            md.AppendLine("```text");
            md.Append("nproc: ").AppendLine(I(m.ProcessorCount));
            md.AppendLine(m.Cpu);
            md.Append("dotnet --version: ").AppendLine(m.DotnetSdk);
            md.Append("runtime: ").AppendLine(m.Runtime);
            md.Append("os: ").AppendLine(m.OperatingSystem);
            md.AppendLine("```");
        }

        if (r.DurationSeconds <= 0)
        {
            return;
        }

        md.Append("Run started ").Append(r.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", took ").Append(F(r.DurationSeconds / 60, 1)).Append(" min");
        if (r.LoadAtStart is not null)
        {
            md.Append("; /proc/loadavg at start `").Append(r.LoadAtStart).Append("`, at end `").Append(r.LoadAtEnd).Append('`');
        }

        md.AppendLine(".").AppendLine();
    }

    private static void SteadyState(StringBuilder md, RunResults r)
    {
        if (r.Row(Steady, "Floor_SameUri") is null)
        {
            return;
        }

        md.AppendLine("### 1. Steady state (in memory)").AppendLine();
        md.AppendLine("| Pipeline | Request URI | Time/request | StdDev | Ratio to floor | Bytes/request | Extra bytes |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        void Row(string method, string uri, string floorMethod)
        {
            BenchmarkRow? row = r.Row(Steady, method);
            BenchmarkRow? floor = r.Row(Steady, floorMethod);
            if (row is null || floor is null)
            {
                return;
            }

            md.Append("| ").Append(row.Description).Append(" | ").Append(uri).Append(" | ").Append(Time(row.MeanNanoseconds))
                .Append(" | ").Append(Time(row.StandardDeviationNanoseconds))
                .Append(" | ").Append(Ratio(row.MeanNanoseconds / floor.MeanNanoseconds))
                .Append(" | ").Append(Bytes(row.AllocatedBytes))
                .Append(" | ").Append(Bytes((row.AllocatedBytes ?? double.NaN) - (floor.AllocatedBytes ?? double.NaN)))
                .AppendLine(" |");
        }

        Row("Floor_SameUri", "same", "Floor_SameUri");
        Row("FloorAsync_SameUri", "same", "Floor_SameUri");
        Row("Ours_SameUri", "same", "Floor_SameUri");
        Row("Floor_NewUri", "new each time", "Floor_NewUri");
        Row("Ours_NewUri", "new each time", "Floor_NewUri");
        md.AppendLine();

        md.AppendLine("Parts of the hot path on their own:").AppendLine();
        md.AppendLine("| Part | Time | Bytes |");
        md.AppendLine("|---|---:|---:|");
        foreach (string method in new[] { "Provider_SameUri", "Credential_SameUri", "Provider_NewUri", "NewUriAlone", "ClockRead", "UriChecks", "DpopHeaderCheck" })
        {
            if (r.Row(Steady, method) is { } row)
            {
                md.Append("| ").Append(row.Description).Append(" | ").Append(Time(row.MeanNanoseconds)).Append(" | ")
                    .Append(Bytes(row.AllocatedBytes)).AppendLine(" |");
            }
        }

        md.AppendLine();
    }

    private static void Paired(StringBuilder md, RunResults r)
    {
        if (r.Paired.Count == 0)
        {
            return;
        }

        PairedRatio first = r.Paired[0];
        md.Append("Interleaved rounds (").Append(I(first.Rounds)).Append(" rounds of ").Append(I(first.Batch))
            .AppendLine(" requests per pipeline, order rotated; the ratio is taken within each round, so load from other work")
            .AppendLine("on the machine affects both sides alike):").AppendLine();
        md.AppendLine("| Pipeline | Request URI | Median time/request | Median ratio to floor | Ratio, quartiles |");
        md.AppendLine("|---|---|---:|---:|---|");
        foreach (PairedRatio p in r.Paired)
        {
            md.Append("| ").Append(p.Pipeline).Append(" | ").Append(p.Uri).Append(" | ").Append(Time(p.MedianNanoseconds)).Append(" | ")
                .Append(Ratio(p.MedianRatio)).Append(" | ").Append(F(p.RatioLowerQuartile, 3)).Append(" – ").Append(F(p.RatioUpperQuartile, 3))
                .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void Allocations(StringBuilder md, RunResults r)
    {
        if (r.Allocations.Count == 0)
        {
            return;
        }

        md.AppendLine("Allocation report. Steady state: exact bytes per request from the thread's allocation counter (the in-memory")
            .AppendLine("pipeline completes synchronously); cold connect: bytes per connect from the process's counter (servers in a child")
            .AppendLine("process). Split by type from the runtime's allocation sampling events (about one per 100 KB): the ten largest types.").AppendLine();
        md.AppendLine("| Pipeline | Bytes/operation | By type (estimated bytes/operation) |");
        md.AppendLine("|---|---:|---|");
        foreach (PipelineAllocations p in r.Allocations)
        {
            md.Append("| ").Append(p.Pipeline).Append(" | ").Append(F(p.BytesPerRequest, 0)).Append(" | ")
                .Append(string.Join("; ", p.ByType.Take(10).Select(t => "`" + ShortType(t.Type) + "` " + F(t.BytesPerRequest, 0))))
                .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void Bursts(StringBuilder md, RunResults r)
    {
        if (r.Bursts.Count == 0 && !r.Benchmarks.Any(b => b.Suite == nameof(ExpiryBurstBenchmarks)))
        {
            return;
        }

        md.AppendLine("### 2. Expiry burst (in memory)").AppendLine();
        if (r.Benchmarks.FirstOrDefault(b => b.Suite == nameof(ExpiryBurstBenchmarks)) is { } row)
        {
            md.Append("BenchmarkDotNet, one burst per iteration: **").Append(Time(row.MeanNanoseconds)).Append("** (median ")
                .Append(Time(row.MedianNanoseconds)).Append(", StdDev ").Append(Time(row.StandardDeviationNanoseconds)).Append(", ")
                .Append(I(row.Iterations)).Append(" bursts) until the last of 1,000 requests completes; ")
                .Append(Bytes(row.AllocatedBytes)).AppendLine(" allocated per burst.").AppendLine();
        }

        if (r.Bursts.Count > 0)
        {
            List<BurstOutcome> b = r.Bursts;
            md.AppendLine("| Bursts | Requests each | Token requests per burst | Succeeded | 401s | Metadata requests (all bursts) | Time to last completion (min / median / max) |");
            md.AppendLine("|---:|---:|---|---:|---:|---:|---|");
            var times = b.Select(o => o.ElapsedMilliseconds).Order().ToList();
            md.Append("| ").Append(I(b.Count)).Append(" | ").Append(I(b[0].Requests)).Append(" | ")
                .Append(Range(b.Select(o => o.TokenRequests))).Append(" | ").Append(I(b.Sum(o => o.Succeeded))).Append(" of ")
                .Append(I(b.Sum(o => o.Requests))).Append(" | ").Append(I(b.Sum(o => o.Unauthorized))).Append(" | ")
                .Append(I(b.Sum(o => o.MetadataRequests))).Append(" | ")
                .Append(F(times[0], 2)).Append(" / ").Append(F(times[times.Count / 2], 2)).Append(" / ").Append(F(times[^1], 2))
                .AppendLine(" ms |").AppendLine();
        }
    }

    private static void ColdConnect(StringBuilder md, RunResults r)
    {
        if (r.ColdConnects.Count == 0 && r.Row(Cold, "Ours") is null)
        {
            return;
        }

        md.AppendLine("### 3. Cold connect over loopback").AppendLine();
        md.AppendLine("Requests received by the two servers during one cold connect (every repetition counted the same unless a range is shown):").AppendLine();
        md.AppendLine("| Client | MCP 401 | PRM | AS metadata | Registration | Authorize | Token | Other | OAuth requests | Spec minimum | MCP requests with token |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (IGrouping<string, ColdConnectResult> group in r.ColdConnects.GroupBy(c => c.Client))
        {
            var rows = group.Select(c => c.Requests).ToList();
            md.Append("| ").Append(group.Key)
                .Append(" | ").Append(Range(rows.Select(t => t.McpUnauthorized)))
                .Append(" | ").Append(Range(rows.Select(t => t.ProtectedResourceMetadata)))
                .Append(" | ").Append(Range(rows.Select(t => t.AuthorizationServerMetadata)))
                .Append(" | ").Append(Range(rows.Select(t => t.Registration)))
                .Append(" | ").Append(Range(rows.Select(t => t.Authorize)))
                .Append(" | ").Append(Range(rows.Select(t => t.TokenCode)))
                .Append(" | ").Append(Range(rows.Select(t => t.OtherAuthorizationServer + t.OtherMcpServer)))
                .Append(" | ").Append(Range(rows.Select(t => t.AuthRequests)))
                .Append(" | ").Append(I(ColdConnectScenario.SpecMinimumAuthRequests))
                .Append(" | ").Append(Range(rows.Select(t => t.McpAuthorized)))
                .AppendLine(" |");
        }

        md.AppendLine();
        BenchmarkRow? sdk = r.Row(Cold, "Sdk");
        BenchmarkRow? ours = r.Row(Cold, "Ours");
        if (sdk is not null && ours is not null)
        {
            md.AppendLine("Time (BenchmarkDotNet, servers in a child process; new McpClient, OAuth client and connection pools each time, disposed at the end):").AppendLine();
            md.AppendLine("| Client | Mean | Median | StdDev | Bytes allocated |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (BenchmarkRow? row in new[] { ours, sdk, r.Row(Cold, "SdkWithListener") })
            {
                if (row is null)
                {
                    continue;
                }

                md.Append("| ").Append(row.Description).Append(" | ").Append(Time(row.MeanNanoseconds)).Append(" | ")
                    .Append(Time(row.MedianNanoseconds)).Append(" | ").Append(Time(row.StandardDeviationNanoseconds)).Append(" | ")
                    .Append(Bytes(row.AllocatedBytes)).AppendLine(" |");
            }

            md.AppendLine();
        }
    }

    private static void Churn(StringBuilder md, RunResults r)
    {
        if (r.Churn.Count == 0)
        {
            return;
        }

        md.AppendLine("### 4. Expiry churn over loopback").AppendLine();
        md.AppendLine("| Client | Token lifetime | Run | Workers | Calls | Failed | MCP 401s | 401s per lifetime | Refreshes | Refreshes per token | Mean time between refreshes | Discovery requests | Re-authorizations |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ChurnResult c in r.Churn)
        {
            md.Append("| ").Append(c.Client).Append(" | ").Append(F(c.TokenLifetimeSeconds, 0)).Append(" s | ").Append(F(c.Seconds, 1))
                .Append(" s | ").Append(I(c.Workers)).Append(" | ").Append(I(c.Calls)).Append(" | ").Append(I(c.FailedCalls))
                .Append(" | ").Append(I(c.Unauthorized)).Append(" | ").Append(F(c.UnauthorizedPerExpiry, 2))
                .Append(" | ").Append(I(c.Refreshes)).Append(" | ").Append(F(c.RefreshesPerExpiry, 2))
                .Append(" | ").Append(c.Refreshes == 0 ? "n/a" : F(c.Seconds / c.Refreshes, 2) + " s")
                .Append(" | ").Append(I(c.DiscoveryRequests)).Append(" | ").Append(I(c.Reauthorizations)).AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void WarmStart(StringBuilder md, RunResults r)
    {
        if (r.WarmStart is not { } w)
        {
            return;
        }

        md.AppendLine("### 5. Warm start (credential on disk)").AppendLine();
        md.AppendLine("| Start | Starts | Discovery + registration | Authorize | Token | MCP 401s | MCP requests | First request |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        md.Append("| New process | 1 | ").Append(I(w.Child.DiscoveryAndRegistration)).Append(" | ").Append(I(w.Child.Authorize)).Append(" | ")
            .Append(I(w.Child.TokenCode + w.Child.TokenRefresh)).Append(" | ").Append(I(w.Child.McpUnauthorized)).Append(" | ")
            .Append(I(w.Child.McpAuthorized)).Append(" | ").Append(F(w.ChildFirstRequestMilliseconds, 1)).AppendLine(" ms (cold JIT) |");
        md.Append("| New provider in a warm process | ").Append(I(w.InProcessRepetitions)).Append(" | ").Append(I(w.InProcess.DiscoveryAndRegistration))
            .Append(" | ").Append(I(w.InProcess.Authorize)).Append(" | ").Append(I(w.InProcess.TokenCode + w.InProcess.TokenRefresh)).Append(" | ")
            .Append(I(w.InProcess.McpUnauthorized)).Append(" | ").Append(I(w.InProcess.McpAuthorized)).Append(" | ")
            .Append(F(w.InProcessMedianMilliseconds, 2)).AppendLine(" ms (median) |").AppendLine();
    }

    private static void VersusSdk(StringBuilder md, RunResults r)
    {
        if (r.Row(Cold, "Ours") is null && r.Row(Calls, "Sequential_Ours") is null && r.ToolCalls.Count == 0 && r.PairedCalls.Count == 0)
        {
            return;
        }

        md.AppendLine("### 6. Versus the official MCP C# SDK's built-in OAuth").AppendLine();
        md.AppendLine("| Workload | SDK built-in OAuth | McpOAuth.Client | Speed, ours ÷ SDK | SDK bytes/op | Our bytes/op | Bytes, ours ÷ SDK | Calls/s SDK | Calls/s ours |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        void Row(string label, BenchmarkRow? sdk, BenchmarkRow? ours, bool rate)
        {
            if (sdk is null || ours is null)
            {
                return;
            }

            md.Append("| ").Append(label).Append(" | ").Append(Time(sdk.MeanNanoseconds)).Append(" | ").Append(Time(ours.MeanNanoseconds))
                .Append(" | ").Append(Ratio(sdk.MeanNanoseconds / ours.MeanNanoseconds))
                .Append(" | ").Append(Bytes(sdk.AllocatedBytes)).Append(" | ").Append(Bytes(ours.AllocatedBytes))
                .Append(" | ").Append(Ratio((ours.AllocatedBytes ?? double.NaN) / (sdk.AllocatedBytes ?? double.NaN)))
                .Append(" | ").Append(rate ? F(1e9 / sdk.MeanNanoseconds, 0) : "–")
                .Append(" | ").Append(rate ? F(1e9 / ours.MeanNanoseconds, 0) : "–").AppendLine(" |");
        }

        Row("Cold connect (sign-in + initialize), SDK takes the code from the redirect", r.Row(Cold, "Sdk"), r.Row(Cold, "Ours"), rate: false);
        Row("Cold connect (sign-in + initialize), SDK receives the redirect on an HttpListener", r.Row(Cold, "SdkWithListener"), r.Row(Cold, "Ours"), rate: false);
        Row("tools/call, sequential", r.Row(Calls, "Sequential_Sdk"), r.Row(Calls, "Sequential_Ours"), rate: true);
        Row("tools/call, 16 in parallel (per call)", r.Row(Calls, "Parallel_Sdk"), r.Row(Calls, "Parallel_Ours"), rate: true);
        md.AppendLine();
        if (r.PairedCalls.Count > 0)
        {
            PairedCallRatio first = r.PairedCalls[0];
            md.Append("Interleaved rounds (").Append(I(first.Rounds)).Append(" rounds of ").Append(I(first.Batch))
                .AppendLine(" calls per client, both connected to one server process, order rotated; speed = SDK time ÷ our time per round):").AppendLine();
            md.AppendLine("| tools/call | SDK built-in OAuth, median per call | McpOAuth.Client, median per call | Median speed, ours ÷ SDK | Speed, quartiles |");
            md.AppendLine("|---|---:|---:|---:|---|");
            foreach (PairedCallRatio p in r.PairedCalls)
            {
                md.Append("| ").Append(p.Workload).Append(" | ").Append(Time(p.SdkNanoseconds)).Append(" | ").Append(Time(p.OursNanoseconds))
                    .Append(" | ").Append(Ratio(p.MedianSpeedRatio)).Append(" | ").Append(F(p.SpeedLowerQuartile, 3)).Append(" – ")
                    .Append(F(p.SpeedUpperQuartile, 3)).AppendLine(" |");
            }

            md.AppendLine();
        }

        if (r.ToolCalls.Count > 0)
        {
            md.AppendLine("On the wire, once connected (servers in the benchmark process, sequential calls):").AppendLine();
            md.AppendLine("| Client | Calls | HTTP requests per call | OAuth requests | Mean time per call |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (ToolCallRequests t in r.ToolCalls)
            {
                md.Append("| ").Append(t.Client).Append(" | ").Append(I(t.Calls)).Append(" | ").Append(F(t.RequestsPerCall, 3)).Append(" | ")
                    .Append(I(t.OAuthRequests)).Append(" | ").Append(F(t.MicrosecondsPerCall, 1)).AppendLine(" µs |");
            }

            md.AppendLine();
        }
    }

    private static string Range(IEnumerable<int> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return "n/a";
        }

        int min = list.Min();
        int max = list.Max();
        return min == max ? I(min) : I(min) + "–" + I(max);
    }

    private static string ShortType(string type)
    {
        // System.Threading.Tasks.Task`1[System.Net.Http.HttpResponseMessage] -> Task<HttpResponseMessage>; arrays keep [].
        string shortened = System.Text.RegularExpressions.Regex.Replace(type, @"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)+([A-Za-z_][A-Za-z0-9_`]*)", "$1");
        var result = new StringBuilder();
        var generic = new Stack<bool>();
        for (int i = 0; i < shortened.Length; i++)
        {
            char c = shortened[i];
            if (c == '`')
            {
                while (i + 1 < shortened.Length && char.IsDigit(shortened[i + 1]))
                {
                    i++;
                }

                if (i + 1 < shortened.Length && shortened[i + 1] == '[')
                {
                    i++;
                    generic.Push(true);
                    result.Append('<');
                }
            }
            else if (c == '[')
            {
                generic.Push(false);
                result.Append('[');
            }
            else if (c == ']')
            {
                result.Append(generic.Count > 0 && generic.Pop() ? '>' : ']');
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
