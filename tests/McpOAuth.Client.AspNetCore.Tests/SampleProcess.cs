using System.Text.RegularExpressions;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>One instance of <c>samples/McpOAuth.Samples.WebApp</c>, started with its documented command line
/// (<c>--urls http://127.0.0.1:0 --public-url URL --mcp-server URL [--redis HOST:PORT]</c>) as a child process; its address is
/// read from the "Now listening on" line. Killed, by its own process id, when disposed.</summary>
internal sealed partial class SampleProcess(ChildProcess process, Uri baseUri) : IAsyncDisposable
{
    public Uri BaseUri { get; } = baseUri;

    /// <summary>The command, its state and everything the sample printed so far, for assertion messages.</summary>
    public string Output => process.Describe();

    public static async Task<SampleProcess> StartAsync(Uri publicUrl, Uri mcpServer, string? redis = null)
    {
        List<string> arguments = ["--urls", "http://127.0.0.1:0", "--public-url", publicUrl.AbsoluteUri, "--mcp-server", mcpServer.AbsoluteUri];
        if (redis is not null)
        {
            arguments.AddRange(["--redis", redis]);
        }

        string dll = ChildProcess.BuiltDll(Path.Combine("samples", "McpOAuth.Samples.WebApp"), "McpOAuth.Samples.WebApp.dll");
        ChildProcess child = ChildProcess.Start(dll, "McpOAuth.Samples.WebApp", arguments, start =>
        {
            start.WorkingDirectory = Path.GetDirectoryName(dll)!;
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        });
        try
        {
            string listening = await child.WaitForStandardOutputLineAsync(line => ListeningLine().IsMatch(line));
            return new SampleProcess(child, new Uri(ListeningLine().Match(listening).Groups[1].Value));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same path and query on this instance: where the load balancer sends a request for the public URL.</summary>
    public Uri Route(Uri publicUri) => new(BaseUri, publicUri.PathAndQuery);

    public ValueTask DisposeAsync() => process.DisposeAsync();

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
