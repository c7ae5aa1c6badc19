using System.Globalization;

namespace McpOAuth.Client.Benchmarks.Reporting;

internal static class Format
{
    public static string Time(double nanoseconds) => double.IsNaN(nanoseconds) ? "n/a" : nanoseconds switch
    {
        < 1_000 => F(nanoseconds, 1) + " ns",
        < 1_000_000 => F(nanoseconds / 1_000, 2) + " µs",
        _ => F(nanoseconds / 1_000_000, 2) + " ms",
    };

    public static string Bytes(double? bytes) => bytes is not { } b || double.IsNaN(b) ? "n/a" : b switch
    {
        < 10_000 => F(b, 0) + " B",
        < 10_000_000 => F(b / 1024, 1) + " KB",
        _ => F(b / (1024 * 1024), 1) + " MB",
    };

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : F(value, 2) + "×";

    public static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
