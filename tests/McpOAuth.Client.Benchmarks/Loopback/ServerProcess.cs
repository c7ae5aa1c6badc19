using System.Diagnostics;
using System.Globalization;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>The loopback servers in a child process (<c>--serve</c>), so a benchmark's memory diagnoser sees only the
/// client. The child exits when this object is disposed, or when this process dies and its standard input closes.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri mcpUri, string issuer)
    {
        _process = process;
        McpUri = mcpUri;
        Issuer = issuer;
    }

    public Uri McpUri { get; }

    public string Issuer { get; }

    public static async Task<ServerProcess> StartAsync(TimeSpan accessTokenLifetime)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        // A profiler that launched us (dotnet-trace) suspends its target through this variable; not the server.
        start.Environment.Remove("DOTNET_DiagnosticPorts");
        start.ArgumentList.Add(HostAssembly.Path);
        start.ArgumentList.Add("--serve");
        start.ArgumentList.Add(((int)accessTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The server process exited before it was ready.");
                if (line.StartsWith(ServerHost.ReadyPrefix, StringComparison.Ordinal))
                {
                    string[] parts = line[ServerHost.ReadyPrefix.Length..].Split(' ');
                    return new ServerProcess(process, new Uri(parts[0]), parts[1]);
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
