using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Threading.Channels;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>A built .NET program of this repository (the <c>mcp-oauth</c> CLI, the StoreWriter, the samples) run as a real OS
/// process with <c>dotnet &lt;dll&gt;</c>: standard output and error are read line by line, standard input can be written, and
/// every wait is guarded by <see cref="TestDoubles.TestTimeouts.Default"/> (a hang fails the test with everything the process printed).
/// The one child-process helper of the test projects, which compile it in by link.</summary>
/// <remarks>The programs are built by the test project's <c>ReferenceOutputAssembly="false"</c> references, in the
/// configuration the tests run under.</remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    // Qualified rather than imported: some projects that link this file import TestDoubles globally, some per file.
    private static readonly TimeSpan HangGuard = TestDoubles.TestTimeouts.Default;

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
    public static Task<CliResult> RunCliAsync(params string[] arguments) => RunAsync(CliPath, "mcp-oauth", arguments);

    /// <summary>Runs a built .NET program to completion with its standard input closed (see <see cref="Start"/>).</summary>
    public static async Task<CliResult> RunAsync(
        string dll, string name, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        await using ChildProcess process = Start(dll, name, arguments, configure);
        process.CloseStandardInput();
        int exitCode = await process.WaitForExitAsync();
        return new CliResult(exitCode, process.StandardOutput, process.StandardError, process.Describe());
    }

    /// <summary>Reads the next line of standard output; <see langword="null"/> at its end.</summary>
    public async Task<string?> ReadStandardOutputLineAsync()
    {
        try
        {
            return await _stdoutLines.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
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
    public Task<string> WaitForStandardErrorLineAsync(Func<string, bool> match) => WaitForLineAsync(_stderrLines, "standard error", match);

    /// <summary>Reads standard output until a line matches (such as a server's "listening on" line); fails if the stream ends
    /// first, that is when the process exits without printing it.</summary>
    public Task<string> WaitForStandardOutputLineAsync(Func<string, bool> match) => WaitForLineAsync(_stdoutLines, "standard output", match);

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
            await _process.WaitForExitAsync().WaitAsync(HangGuard);
            await _pumps.WaitAsync(HangGuard);
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

        await _process.WaitForExitAsync().WaitAsync(HangGuard);
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
            await _pumps.WaitAsync(HangGuard);
        }
        catch (TimeoutException)
        {
            // A grandchild may still hold a pipe; nothing more to read.
        }

        _process.Dispose();
    }

    /// <summary>Starts a built .NET program with <c>dotnet &lt;dll&gt;</c> in the temporary directory. <c>BROWSER</c>,
    /// <c>MCP_OAUTH_STORE_DIR</c> and <c>XDG_CONFIG_HOME</c> are removed from its environment (nothing opens a real browser or
    /// finds the user's store); <paramref name="configure"/> may change its start after that.</summary>
    /// <param name="dll">The program, e.g. from <see cref="BuiltDll"/>.</param>
    /// <param name="name">What assertion messages call it.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="configure">Changes the working directory or environment.</param>
    public static ChildProcess Start(string dll, string name, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        ProcessStartInfo startInfo = DotnetStartInfo(dll, arguments);
        startInfo.Environment.Remove("BROWSER");
        startInfo.Environment.Remove("MCP_OAUTH_STORE_DIR");
        startInfo.Environment.Remove("XDG_CONFIG_HOME");
        configure?.Invoke(startInfo);

        var process = new Process { StartInfo = startInfo };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {dll}.");
        }

        return new ChildProcess(process, $"{name} {string.Join(' ', startInfo.ArgumentList.Skip(1))}");
    }

    /// <summary>The start of <c>dotnet &lt;dll&gt; arguments</c> with every standard stream redirected (UTF-8) and telemetry
    /// off, in the temporary directory; fails at once, saying what to build, when the program is missing.</summary>
    public static ProcessStartInfo DotnetStartInfo(string dll, IEnumerable<string> arguments)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in {Configuration} first.");
        }

        ProcessStartInfo startInfo = RedirectedStartInfo(DotnetHost(), [dll, .. arguments]);
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return startInfo;
    }

    /// <summary>The start of any program with every standard stream redirected (UTF-8), in the temporary directory.</summary>
    public static ProcessStartInfo RedirectedStartInfo(string program, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>The path of a program built in <see cref="Configuration"/>: <c>PROJECT/bin/CONFIGURATION/net10.0/FILE</c>.</summary>
    /// <param name="projectDirectory">The project's folder, relative to the repository root.</param>
    /// <param name="fileName">The program's file name.</param>
    public static string BuiltDll(string projectDirectory, string fileName) =>
        Path.Combine(RepositoryRoot(), projectDirectory, "bin", Configuration, "net10.0", fileName);

    /// <summary>Finds the folder containing <c>McpOAuth.Client.sln</c> above the test assembly.</summary>
    /// <exception cref="InvalidOperationException">There is none.</exception>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpOAuth.Client.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No McpOAuth.Client.sln above {AppContext.BaseDirectory}.");
    }

    private async Task<string> WaitForLineAsync(Channel<string> lines, string stream, Func<string, bool> match)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await foreach (string line in lines.Reader.ReadAllAsync(guard.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line on {stream} of {Describe()}");
        }

        throw new InvalidOperationException($"The {stream} ended without a matching line: {Describe()}");
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
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
