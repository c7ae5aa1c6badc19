using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.BrowserTests;

/// <summary>The demo's servers as a user starts them: <c>dotnet McpOAuth.Demo.dll --serve</c>, a child process whose printed
/// URLs (the demo authorization server with its consent page, and the demo MCP server) are read from its standard output.
/// Killed, by its own process id, when the tests are done.</summary>
public sealed partial class DemoServerProcess : IAsyncLifetime, IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private string? _issuer;
    private string? _resource;

    /// <summary>Gets the demo authorization server's issuer, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Issuer => _issuer ?? throw new InvalidOperationException("The demo has not started.");

    /// <summary>Gets the demo MCP server's endpoint, <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public Uri McpUri => new(_resource ?? throw new InvalidOperationException("The demo has not started."));

    /// <summary>Gets the path of the demo built in the tests' configuration (the project reference builds it first).</summary>
    public static string DemoDll
    {
        get
        {
            string configuration = typeof(DemoServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(Path.Combine(directory, "McpOAuth.Client.sln")))
            {
                directory = Path.GetDirectoryName(directory);
            }

            return directory is null
                ? throw new InvalidOperationException($"No McpOAuth.Client.sln above {AppContext.BaseDirectory}.")
                : Path.Combine(directory, "samples", "McpOAuth.Demo", "bin", configuration, "net10.0", "McpOAuth.Demo.dll");
        }
    }

    /// <summary>Everything the demo printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        string dll = DemoDll;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution first (dotnet build McpOAuth.Client.sln -c Release).");
        }

        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var startInfo = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add("--serve");
        startInfo.Environment.Remove("BROWSER");
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"The demo exited early:\n{Output}"));
        _process.EnableRaisingEvents = true;
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The demo did not print its URLs within 30 s:\n{Output}");
        }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            process.Dispose();
        }
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append('[').Append(stream).Append("] ").Append(line).Append('\n');
        }

        if (AuthorizationServerLine().Match(line) is { Success: true } a)
        {
            _issuer = a.Groups[1].Value;
        }
        else if (McpServerLine().Match(line) is { Success: true } m)
        {
            _resource = m.Groups[1].Value;
        }

        if (_issuer is not null && _resource is not null)
        {
            _ready.TrySetResult();
        }
    }

    [GeneratedRegex(@"^\s*Demo authorization server\s+(http://127\.0\.0\.1:\d+)\s")]
    private static partial Regex AuthorizationServerLine();

    [GeneratedRegex(@"^\s*Demo MCP server\s+(http://127\.0\.0\.1:\d+/mcp)\s*$")]
    private static partial Regex McpServerLine();
}
