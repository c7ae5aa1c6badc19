using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpOAuth.Client.Benchmarks.Reporting;

/// <summary>Everything one run measured; written as JSON, and read back to draw the chart.</summary>
internal sealed class RunResults
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public DateTimeOffset StartedAt { get; set; }

    public double DurationSeconds { get; set; }

    public MachineInfo? Machine { get; set; }

    /// <summary>Gets or sets <c>/proc/loadavg</c> when the run started and ended: other work on the machine skews times.</summary>
    public string? LoadAtStart { get; set; }

    public string? LoadAtEnd { get; set; }

    public static string? ReadLoad() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null;

    public List<BenchmarkRow> Benchmarks { get; set; } = [];

    public List<BurstOutcome> Bursts { get; set; } = [];

    public List<ColdConnectResult> ColdConnects { get; set; } = [];

    public List<ChurnResult> Churn { get; set; } = [];

    public List<ToolCallRequests> ToolCalls { get; set; } = [];

    public List<PairedCallRatio> PairedCalls { get; set; } = [];

    public WarmStartResult? WarmStart { get; set; }

    public List<PipelineAllocations> Allocations { get; set; } = [];

    public List<PairedRatio> Paired { get; set; } = [];

    public static RunResults Load(string path) =>
        JsonSerializer.Deserialize<RunResults>(File.ReadAllText(path), Json) ?? throw new InvalidDataException(path + " holds no results.");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    public BenchmarkRow? Row(string suite, string method) =>
        Benchmarks.FirstOrDefault(r => r.Suite == suite && r.Method == method);
}
