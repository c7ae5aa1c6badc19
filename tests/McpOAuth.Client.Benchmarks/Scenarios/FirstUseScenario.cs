using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using McpOAuth.Client.Tests.RealServer;
using static McpOAuth.Client.Benchmarks.Reporting.Format;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// Issue 13 item 5: the first sign-in and call in a fresh process, ours against the SDK's built-in OAuth and a no-auth floor.
/// Each repetition starts one new process per client (<c>--first-use-child</c>), in an order rotated from one repetition to
/// the next, against one server process. Each child builds its client, signs in, sends <c>initialize</c> and one
/// <c>tools/call</c>, and reports how long that took inside it, its CPU time, and what the JIT did meanwhile; the parent
/// times the whole process.
/// </summary>
internal static class FirstUseScenario
{
    public const string ChildMode = "--first-use-child";
    public const string Floor = "floor";

    /// <summary>Names an earlier build of this program (its .dll) whose <c>ours</c> child runs as one more client,
    /// <c>ours-baseline</c>, in the same rotation: a library change measured before and after in one run.</summary>
    public const string BaselineVariable = "MCPOAUTH_FIRSTUSE_BASELINE";
    private const string Baseline = "ours-baseline";
    private const string ChildResultPrefix = "FIRSTUSE ";

    /// <summary>The clients, in the order of the first repetition.</summary>
    public static readonly string[] Clients = [Floor, "sdk", "sdk-listener", "ours"];

    public static async Task<List<FirstUseResult>> RunAsync(int repetitions, IReadOnlyList<string>? clients = null)
    {
        clients ??= Environment.GetEnvironmentVariable(BaselineVariable) is { Length: > 0 } ? [.. Clients, Baseline] : Clients;
        var samples = clients.ToDictionary(c => c, _ => new List<FirstUseSample>(), StringComparer.Ordinal);
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            for (int i = 0; i < clients.Count; i++)
            {
                string client = clients[(repetition + i) % clients.Count];
                samples[client].Add(await RunChildAsync(client, server.McpUri, environment: null));
            }
        }

        return [.. clients.Select(c => new FirstUseResult(c, samples[c]))];
    }

    /// <summary>The child: <c>--first-use-child CLIENT MCP-URL</c>; prints one result line.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        string client = args[0];
        var endpoint = new Uri(args[1]);
        long methodsBefore = JitInfo.GetCompiledMethodCount();
        TimeSpan jitBefore = JitInfo.GetCompilationTime();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();

        using var browser = new BrowserStandIn();
        await using (McpConnection connection = client switch
        {
            Floor => await McpConnection.ConnectWithoutAuthAsync(new Uri(endpoint, LoopbackServers.OpenMcpPath)),
            "sdk" => await McpConnection.ConnectAsync(OAuthClientKind.Sdk, endpoint, browser),
            "sdk-listener" => await McpConnection.ConnectAsync(OAuthClientKind.SdkWithListener, endpoint, browser),
            "ours" => await McpConnection.ConnectAsync(OAuthClientKind.McpOAuthClient, endpoint, browser),
            _ => throw new ArgumentException("Unknown client " + client, nameof(args)),
        })
        {
            await connection.CallEchoAsync();
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        long methods = JitInfo.GetCompiledMethodCount() - methodsBefore;
        double jit = (JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds;
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{ChildResultPrefix}{elapsed:R} {cpu:R} {methods} {jit:R}"));
        return 0;
    }

    /// <summary>Runs one child; <paramref name="environment"/> adds variables (a JIT listing, for <see cref="FirstUseJit"/>).</summary>
    public static async Task<FirstUseSample> RunChildAsync(string client, Uri endpoint, IReadOnlyDictionary<string, string>? environment)
    {
        bool baseline = client == Baseline;
        string dll = baseline ? Environment.GetEnvironmentVariable(BaselineVariable)! : HostAssembly.Path;
        long started = Stopwatch.GetTimestamp();
        string[] arguments = [ChildMode, baseline ? "ours" : client, endpoint.AbsoluteUri];
        CliResult child = await ChildProcess.RunAsync(dll, $"{client} first-use child", arguments, start =>
        {
            start.Environment.Remove("DOTNET_DiagnosticPorts");
            foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
            {
                start.Environment[variable.Key] = variable.Value;
            }
        });
        double wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string line = child.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith(ChildResultPrefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The {client} first-use child reported nothing: {child.Transcript}");
        string[] parts = line[ChildResultPrefix.Length..].Trim().Split(' ');
        return new FirstUseSample(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[3], CultureInfo.InvariantCulture),
            wall);
    }

    public static string ToMarkdown(IReadOnlyList<FirstUseResult> results)
    {
        var md = new StringBuilder();
        int repetitions = results.Count == 0 ? 0 : results[0].Samples.Count;
        md.Append("First use in a fresh process (").Append(I(repetitions))
            .AppendLine(" repetitions, one new process per client each, order rotated; median and range):").AppendLine();
        md.AppendLine("| Client | First sign-in + call, in the process | Its CPU time | Methods JIT'd | JIT time | Whole process, wall |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (FirstUseResult r in results)
        {
            md.Append("| ").Append(Label(r.Client))
                .Append(" | ").Append(Spread(r.Samples.Select(s => s.FirstUseMilliseconds)))
                .Append(" | ").Append(Spread(r.Samples.Select(s => s.CpuMilliseconds)))
                .Append(" | ").Append(I((int)Median(r.Samples.Select(s => (double)s.MethodsJitted))))
                .Append(" | ").Append(Spread(r.Samples.Select(s => s.JitMilliseconds)))
                .Append(" | ").Append(Spread(r.Samples.Select(s => s.ProcessWallMilliseconds))).AppendLine(" |");
        }

        foreach (FirstUseResult ours in results.Where(r => r.Client.StartsWith("ours", StringComparison.Ordinal)))
        {
            md.AppendLine();
            foreach (FirstUseResult other in results.Where(r => !r.Client.StartsWith("ours", StringComparison.Ordinal) || (ours.Client == "ours" && r.Client == Baseline)))
            {
                // Paired by repetition: the processes of one repetition ran back to back, under the same load.
                double[] ratios = [.. ours.Samples.Zip(other.Samples, (o, t) => o.FirstUseMilliseconds / t.FirstUseMilliseconds)];
                md.Append("- ").Append(Label(ours.Client)).Append(" ÷ ").Append(Label(other.Client)).Append(", first sign-in + call, per repetition: median ")
                    .Append(F(Median(ratios), 2)).Append("× (").Append(F(ratios.Min(), 2)).Append(" – ").Append(F(ratios.Max(), 2)).AppendLine(")");
            }
        }

        return md.ToString();
    }

    private static string Label(string client) => client switch
    {
        Floor => "No auth (floor)",
        "sdk" => "SDK built-in OAuth",
        "sdk-listener" => "SDK built-in OAuth, HttpListener callback",
        "ours" => "McpOAuth.Client",
        Baseline => "McpOAuth.Client, baseline build",
        _ => client,
    };

    private static string Spread(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return $"{F(Median(sorted), 0)} ms ({F(sorted[0], 0)} – {F(sorted[^1], 0)})";
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>One child: time from building the client to the first call's answer, the CPU time and JIT work in that span, and
/// the whole process's wall time as the parent saw it.</summary>
internal sealed record FirstUseSample(
    double FirstUseMilliseconds, double CpuMilliseconds, int MethodsJitted, double JitMilliseconds, double ProcessWallMilliseconds);

internal sealed record FirstUseResult(string Client, List<FirstUseSample> Samples);
