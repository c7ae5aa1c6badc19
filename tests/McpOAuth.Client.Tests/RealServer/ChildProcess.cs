using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Threading.Channels;
using McpOAuth.Client.Tests.OidcProvider;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>A built .NET program of this repository (the <c>mcp-oauth</c> CLI, the StoreWriter) run as a real OS process with
/// <c>dotnet &lt;dll&gt;</c>: standard output and error are read line by line, standard input can be written, and every wait is
/// guarded by <see cref="TestTimeouts.Default"/> (a hang fails the test with everything the process printed).</summary>
/// <remarks>The programs are built by the test project's <c>ReferenceOutputAssembly="false"</c> references, in the
/// configuration the tests run under.</remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly Channel<string> _stdoutLines = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderrLines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _transcript = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _pumps;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
        _pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, _stdoutLines, _stdout, "out"),
            PumpAsync(process.StandardError, _stderrLines, _stderr, "err"));
    }

    /// <summary>Gets the configuration the tests were built in (<c>Release</c> or <c>Debug</c>); the programs are built in the same one.</summary>
    public static string Configuration =>
        typeof(ChildProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>Gets the path of the built <c>mcp-oauth.dll</c>.</summary>
    public static string CliPath => BuiltDll(Path.Combine("src", "McpOAuth.Cli"), "mcp-oauth.dll");

    /// <summary>Gets the path of the built <c>McpOAuth.Client.StoreWriter.dll</c>.</summary>
    public static string StoreWriterPath => BuiltDll(Path.Combine("tests", "McpOAuth.Client.StoreWriter"), "McpOAuth.Client.StoreWriter.dll");

    /// <summary>Gets the path of the built <c>McpOAuth.Client.RedisWorker.dll</c>.</summary>
    public static string RedisWorkerPath => BuiltDll(Path.Combine("tests", "McpOAuth.Client.RedisWorker"), "McpOAuth.Client.RedisWorker.dll");

    /// <summary>Gets the process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets everything written to standard output so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Gets everything written to standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>mcp-oauth</c> with its arguments. <c>BROWSER</c>, <c>MCP_OAUTH_STORE_DIR</c> and <c>XDG_CONFIG_HOME</c>
    /// are removed from its environment, so only <c>--store-dir</c> chooses the store and nothing opens a real browser.</summary>
    public static ChildProcess StartCli(params string[] arguments) => Start(CliPath, "mcp-oauth", arguments);

    /// <summary>Starts the StoreWriter with its arguments.</summary>
    public static ChildProcess StartStoreWriter(params string[] arguments) => Start(StoreWriterPath, "StoreWriter", arguments);

    /// <summary>Starts the RedisWorker with its arguments.</summary>
    public static ChildProcess StartRedisWorker(params string[] arguments) => Start(RedisWorkerPath, "RedisWorker", arguments);

    /// <summary>Runs <c>mcp-oauth</c> to completion with its standard input closed.</summary>
    public static async Task<CliResult> RunCliAsync(params string[] arguments)
    {
        await using ChildProcess process = StartCli(arguments);
        process.CloseStandardInput();
        int exitCode = await process.WaitForExitAsync();
        return new CliResult(exitCode, process.StandardOutput, process.StandardError, process.Describe());
    }

    /// <summary>Reads the next line of standard output; <see langword="null"/> at its end.</summary>
    public async Task<string?> ReadStandardOutputLineAsync()
    {
        try
        {
            return await _stdoutLines.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No line on standard output of {Describe()}");
        }
    }

    /// <summary>Reads standard error until a line matches; fails if the stream ends first.</summary>
    public async Task<string> WaitForStandardErrorLineAsync(Func<string, bool> match)
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            await foreach (string line in _stderrLines.Reader.ReadAllAsync(guard.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line on standard error of {Describe()}");
        }

        throw new InvalidOperationException($"Standard error ended without a matching line: {Describe()}");
    }

    /// <summary>Writes one line to standard input and flushes it.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes standard input (end of file for the process).</summary>
    public void CloseStandardInput() => _process.StandardInput.Close();

    /// <summary>Waits for the process to exit and for its output to be read completely.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
            await _pumps.WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process did not exit: {Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL on Unix, with its children) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }

    /// <summary>The command, exit state and everything the process printed, for assertion messages.</summary>
    public string Describe()
    {
        string state = _process.HasExited ? "exit code " + _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "running";
        return $"{_name} (pid {_process.Id}, {state}):\n{string.Join('\n', _transcript)}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        try
        {
            await _pumps.WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            // A grandchild may still hold a pipe; nothing more to read.
        }

        _process.Dispose();
    }

    private static ChildProcess Start(string dll, string name, string[] arguments)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in {Configuration} first.");
        }

        var startInfo = new ProcessStartInfo(DotnetHost())
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
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("BROWSER");
        startInfo.Environment.Remove("MCP_OAUTH_STORE_DIR");
        startInfo.Environment.Remove("XDG_CONFIG_HOME");
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = new Process { StartInfo = startInfo };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {dll}.");
        }

        return new ChildProcess(process, $"{name} {string.Join(' ', arguments)}");
    }

    private async Task PumpAsync(StreamReader reader, Channel<string> lines, StringBuilder all, string stream)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (all)
                {
                    all.Append(line).Append('\n');
                }

                _transcript.Enqueue($"[{stream}] {line}");
                lines.Writer.TryWrite(line);
            }
        }
        finally
        {
            lines.Writer.TryComplete();
        }
    }

    /// <summary>The <c>dotnet</c> host that runs the tests (<c>DOTNET_HOST_PATH</c>, set by <c>dotnet test</c>), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string BuiltDll(string projectDirectory, string fileName) =>
        Path.Combine(OidcProviderServer.RepositoryRoot(), projectDirectory, "bin", Configuration, "net10.0", fileName);
}
