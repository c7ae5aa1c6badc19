using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>A real <c>redis-server</c> (Debian's, installed by <c>tests/redis/install.sh</c>) run as a child process on a free
/// 127.0.0.1 port with its working directory in a temporary folder: no persistence unless a test asks for a dump on shutdown,
/// nothing in the user's home, and the process is stopped on dispose.</summary>
/// <remarks>Linked into the benchmarks as well, which count Redis commands with <see cref="CommandCallsAsync"/>.</remarks>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>Gets the TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},abortConnect=false,allowAdmin=true");

    /// <summary>Gets the path of <c>redis-server</c>: <c>$REDIS_SERVER</c> when set, else Debian's.</summary>
    public static string Binary => Environment.GetEnvironmentVariable("REDIS_SERVER") is { Length: > 0 } path ? path : "/usr/bin/redis-server";

    /// <summary>Starts a server on a free port and waits until it answers <c>PING</c>.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: run tests/redis/install.sh (it installs Debian's redis-server).");
        }

        string directory = Path.Combine(Path.GetTempPath(), "mcpoauth-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new RedisServer(directory, FreePort());
        await server.RunAsync();
        return server;
    }

    /// <summary>Connects a new multiplexer (the caller disposes it).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    /// <summary>Stops the server with <c>SHUTDOWN SAVE</c>, so that <see cref="RestartAsync"/> finds every key again.</summary>
    public async Task StopAsync()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("SHUTDOWN SAVE\r\n"));
            var buffer = new byte[256];
            while (await stream.ReadAsync(buffer) > 0)
            {
                // The server closes the connection when it exits.
            }
        }

        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and directory (it loads the dump <see cref="StopAsync"/> wrote).</summary>
    public Task RestartAsync() => RunAsync();

    /// <summary>Freezes the process (SIGSTOP): connections stay open and nothing answers, as with a hung server.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Reads <c>INFO commandstats</c>: how many times each command ran since start or <c>CONFIG RESETSTAT</c>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CommandCallsAsync(IConnectionMultiplexer connection)
    {
        IServer server = connection.GetServer("127.0.0.1", Port);
        IGrouping<string, KeyValuePair<string, string>>[] info = await server.InfoAsync("commandstats");
        var calls = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> entry in info.SelectMany(group => group))
        {
            // cmdstat_get: calls=3,usec=12,usec_per_call=4.00,...
            string calledPart = entry.Value.Split(',')[0];
            if (entry.Key.StartsWith("cmdstat_", StringComparison.Ordinal) && calledPart.StartsWith("calls=", StringComparison.Ordinal))
            {
                calls[entry.Key["cmdstat_".Length..]] = long.Parse(calledPart["calls=".Length..], CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                Resume();
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
            _process = null;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync()
    {
        var startInfo = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (string argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--dir", _directory, "--dbfilename", "dump.rdb", "--save", string.Empty, "--appendonly", "no",
            "--daemonize", "no", "--logfile", string.Empty, "--loglevel", "warning",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        _process.OutputDataReceived += (_, e) => Append(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited || guard.IsCancellationRequested)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}:\n{log}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, guard.Token);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
            var buffer = new byte[16];
            int read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} failed.");
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
