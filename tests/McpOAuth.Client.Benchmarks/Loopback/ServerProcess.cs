using System.Globalization;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>The loopback servers in a child process (<c>--serve</c>), so a benchmark's memory diagnoser sees only the
/// client. The child exits when this object is disposed, or when this process dies and its standard input closes.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServerProcess(ChildProcess process, Uri mcpUri, string issuer)
    {
        _process = process;
        McpUri = mcpUri;
        Issuer = issuer;
    }

    public Uri McpUri { get; }

    public string Issuer { get; }

    public static async Task<ServerProcess> StartAsync(TimeSpan accessTokenLifetime)
    {
        string seconds = ((int)accessTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        // A profiler that launched us (dotnet-trace) suspends its target through this variable; not the server.
        ChildProcess child = ChildProcess.Start(
            HostAssembly.Path, "benchmark servers", ["--serve", seconds], start => start.Environment.Remove("DOTNET_DiagnosticPorts"));
        try
        {
            string line = await child.WaitForStandardOutputLineAsync(l => l.StartsWith(ServerHost.ReadyPrefix, StringComparison.Ordinal));
            string[] parts = line[ServerHost.ReadyPrefix.Length..].Split(' ');
            return new ServerProcess(child, new Uri(parts[0]), parts[1]);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the server's standard input, which ends it; kills it if it has not exited in time.</summary>
    public async ValueTask DisposeAsync()
    {
        _process.CloseStandardInput();
        try
        {
            await _process.WaitForExitAsync();
        }
        catch (TimeoutException)
        {
            // Disposing kills it.
        }

        await _process.DisposeAsync();
    }
}
