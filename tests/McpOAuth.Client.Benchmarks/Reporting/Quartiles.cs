namespace McpOAuth.Client.Benchmarks.Reporting;

/// <summary>The lower quartile, median and upper quartile of a sample: its elements at a quarter, half and three quarters
/// once sorted, as every paired-rounds measurement reports them.</summary>
internal readonly record struct Quartiles(double Lower, double Median, double Upper)
{
    public static Quartiles Of(IEnumerable<double> values)
    {
        List<double> sorted = [.. values.Order()];
        return new Quartiles(sorted[sorted.Count / 4], sorted[sorted.Count / 2], sorted[sorted.Count * 3 / 4]);
    }
}
