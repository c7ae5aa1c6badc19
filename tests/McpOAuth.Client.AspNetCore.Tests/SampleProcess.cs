using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>One instance of <c>samples/McpOAuth.Samples.WebApp</c>, started with its documented command line
/// (<c>--urls http://127.0.0.1:0 --public-url URL --mcp-server URL [--redis HOST:PORT]</c>) as a child process; its address is
/// read from the "Now listening on" line. Killed, by its own process id, when disposed.</summary>
internal sealed partial class SampleProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    private SampleProcess()
    {
    }

    public Uri BaseUri { get; private set; } = null!;

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

    public static async Task<SampleProcess> StartAsync(Uri publicUrl, Uri mcpServer, string? redis = null)
    {
        var sample = new SampleProcess();
        try
        {
            List<string> arguments = ["--urls", "http://127.0.0.1:0", "--public-url", publicUrl.AbsoluteUri, "--mcp-server", mcpServer.AbsoluteUri];
            if (redis is not null)
            {
                arguments.AddRange(["--redis", redis]);
            }

            sample.Start(arguments);
            sample.BaseUri = await sample._listening.Task.WaitAsync(TestTimeouts.Default);
            return sample;
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same path and query on this instance: where the load balancer sends a request for the public URL.</summary>
    public Uri Route(Uri publicUri) => new(BaseUri, publicUri.PathAndQuery);

    public async ValueTask DisposeAsync()
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

            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
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

    private static string SampleDll
    {
        get
        {
            string configuration = typeof(SampleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(Path.Combine(directory, "McpOAuth.Client.sln")))
            {
                directory = Path.GetDirectoryName(directory);
            }

            return directory is null
                ? throw new InvalidOperationException($"No McpOAuth.Client.sln above {AppContext.BaseDirectory}.")
                : Path.Combine(directory, "samples", "McpOAuth.Samples.WebApp", "bin", configuration, "net10.0", "McpOAuth.Samples.WebApp.dll");
        }
    }

    private void Start(IEnumerable<string> arguments)
    {
        string dll = SampleDll;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution first (dotnet build McpOAuth.Client.sln -c Release).");
        }

        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var startInfo = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The sample exited early:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
