using System.Text.RegularExpressions;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.BrowserTests;

/// <summary>The demo's servers as a user starts them: <c>dotnet McpOAuth.Demo.dll --serve</c>, a child process whose printed
/// URLs (the demo authorization server with its consent page, and the demo MCP server) are read from its standard output.
/// Killed, by its own process id, when the tests are done.</summary>
public sealed partial class DemoServerProcess : IAsyncLifetime, IDisposable
{
    private ChildProcess? _process;
    private string? _issuer;
    private string? _resource;

    /// <summary>Gets the demo authorization server's issuer, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Issuer => _issuer ?? throw new InvalidOperationException("The demo has not started.");

    /// <summary>Gets the demo MCP server's endpoint, <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public Uri McpUri => new(_resource ?? throw new InvalidOperationException("The demo has not started."));

    /// <summary>Gets the path of the demo built in the tests' configuration (the project reference builds it first).</summary>
    public static string DemoDll => ChildProcess.BuiltDll(Path.Combine("samples", "McpOAuth.Demo"), "McpOAuth.Demo.dll");

    /// <summary>The command, its state and everything the demo printed so far, for assertion messages.</summary>
    public string Output => _process?.Describe() ?? "The demo has not started.";

    public async Task InitializeAsync()
    {
        _process = ChildProcess.Start(DemoDll, "McpOAuth.Demo", ["--serve"]);
        while (_issuer is null || _resource is null)
        {
            string line = await _process.WaitForStandardOutputLineAsync(l => AuthorizationServerLine().IsMatch(l) || McpServerLine().IsMatch(l));
            _issuer ??= AuthorizationServerLine().Match(line) is { Success: true } a ? a.Groups[1].Value : null;
            _resource ??= McpServerLine().Match(line) is { Success: true } m ? m.Groups[1].Value : null;
        }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await process.DisposeAsync();
        }
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    [GeneratedRegex(@"^\s*Demo authorization server\s+(http://127\.0\.0\.1:\d+)\s")]
    private static partial Regex AuthorizationServerLine();

    [GeneratedRegex(@"^\s*Demo MCP server\s+(http://127\.0\.0\.1:\d+/mcp)\s*$")]
    private static partial Regex McpServerLine();
}
