using BenchmarkDotNet.Reports;

namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>One BenchmarkDotNet result, as stored in the results file.</summary>
internal sealed record BenchmarkRow(
    string Suite,
    string Method,
    string Description,
    string Category,
    bool Baseline,
    double MeanNanoseconds,
    double StandardDeviationNanoseconds,
    double MedianNanoseconds,
    double? AllocatedBytes,
    int Iterations,
    bool Succeeded)
{
    public static List<BenchmarkRow> From(Summary summary)
    {
        var rows = new List<BenchmarkRow>();
        foreach (BenchmarkReport report in summary.Reports)
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            var statistics = report.ResultStatistics;
            rows.Add(new BenchmarkRow(
                descriptor.Type.Name,
                descriptor.WorkloadMethod.Name,
                descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                string.Join(",", descriptor.Categories),
                descriptor.Baseline,
                statistics?.Mean ?? double.NaN,
                statistics?.StandardDeviation ?? double.NaN,
                statistics?.Median ?? double.NaN,
                report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
                statistics?.N ?? 0,
                report.Success && statistics is not null));
        }

        return rows;
    }
}
