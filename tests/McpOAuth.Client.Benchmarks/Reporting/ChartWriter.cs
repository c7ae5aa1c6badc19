using ScottPlot;

namespace McpOAuth.Client.Benchmarks.Reporting;

/// <summary>Draws the one-glance comparison: McpOAuth.Client's time and bytes relative to the reference of each row (the floor
/// for the steady state, the SDK's built-in OAuth for the loopback workloads). Below 1.0 is better.</summary>
internal static class ChartWriter
{
    public static void Write(RunResults results, string path)
    {
        var comparisons = ReportWriter.Comparisons(results);
        if (comparisons.Count == 0)
        {
            throw new InvalidOperationException("The results hold no comparison to draw.");
        }

        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        Color timeColor = Colors.SteelBlue;
        Color bytesColor = Colors.DarkOrange;
        for (int i = 0; i < comparisons.Count; i++)
        {
            var (label, timeRatio, bytesRatio) = comparisons[i];
            double center = i * 3;
            bars.Add(new Bar { Position = center - 0.45, Value = timeRatio, FillColor = timeColor, Size = 0.85, Label = Format.F(timeRatio, 2) });
            if (!double.IsNaN(bytesRatio))
            {
                bars.Add(new Bar { Position = center + 0.45, Value = bytesRatio, FillColor = bytesColor, Size = 0.85, Label = Format.F(bytesRatio, 2) });
            }

            ticks.Add(new Tick(center, label));
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 12;
        var one = plot.Add.HorizontalLine(1.0);
        one.Color = Colors.Black;
        one.LinePattern = LinePattern.Dashed;
        one.LineWidth = 1;

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(1.5, comparisons.Max(c => double.IsNaN(c.BytesRatio) ? c.TimeRatio : Math.Max(c.TimeRatio, c.BytesRatio)) * 1.15));
        plot.Title("McpOAuth.Client relative to the reference (1.0 = same; lower is better)");
        plot.YLabel("ours ÷ reference");
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "time per operation", FillColor = timeColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "bytes allocated per operation", FillColor = bytesColor });
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1100, 520);
    }
}
