using System.Diagnostics;
using System.Runtime.InteropServices;

namespace McpOAuth.Client.Benchmarks.Reporting;

/// <summary>The machine a run happened on: <c>nproc</c>, the head of <c>lscpu</c>, <c>dotnet --version</c> and the runtime.</summary>
internal sealed record MachineInfo(int ProcessorCount, string Cpu, string DotnetSdk, string Runtime, string OperatingSystem)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        Run("lscpu", maxLines: 10),
        Run("dotnet", "--version"),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription);

    private static string Run(string file, string? argument = null, int maxLines = 1)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
            if (argument is not null)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(maxLines).Select(l => l.TrimEnd()));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "(" + file + " not found)";
        }
    }
}
