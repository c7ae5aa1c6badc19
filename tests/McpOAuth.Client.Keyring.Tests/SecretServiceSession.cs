using System.Diagnostics;
using McpOAuth.Client.Tests.RealServer;
using McpOAuth.Client.Tests.TestDoubles;

namespace McpOAuth.Client.Keyring.Tests;

/// <summary>A private D-Bus session bus with a gnome-keyring daemon whose login keyring is unlocked with a test password, in a
/// temporary home; and the StoreWriter run as a child process against it. Disposing stops the bus, and the daemon with it.</summary>
internal sealed class SecretServiceSession : IAsyncDisposable
{
    private const string LoginCollection = "/org/freedesktop/secrets/collection/login";

    private readonly Process _bus;

    private SecretServiceSession(string root, Process bus, string address)
    {
        Root = root;
        _bus = bus;
        Address = address;
        StoreDirectory = Path.Combine(root, "store");
    }

    /// <summary>Gets the temporary directory that holds the home, the bus socket and the store.</summary>
    public string Root { get; }

    /// <summary>Gets the bus address.</summary>
    public string Address { get; }

    /// <summary>Gets the store directory the tests use.</summary>
    public string StoreDirectory { get; }

    /// <summary>Starts the bus and the daemon; fails with what to install when they are missing.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static async Task<SecretServiceSession> StartAsync()
    {
        foreach (string tool in new[] { "dbus-daemon", "gnome-keyring-daemon", "secret-tool", "dbus-send" })
        {
            if (!OnPath(tool))
            {
                throw new InvalidOperationException($"{tool} is missing: run tests/keyring/install.sh first.");
            }
        }

        string root = Path.Combine(Path.GetTempPath(), "mcpoauth-keyring-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(root, "home"));
        Directory.CreateDirectory(Path.Combine(root, "run"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ProcessStartInfo busStart = ChildProcess.RedirectedStartInfo(
            "dbus-daemon", ["--config-file=/usr/share/dbus-1/session.conf", $"--address=unix:path={root}/bus", "--nofork", "--print-address=1"]);
        Process bus = Process.Start(busStart) ?? throw new InvalidOperationException("dbus-daemon did not start.");
        bus.ErrorDataReceived += (_, _) => { };
        bus.BeginErrorReadLine();
        string address = await bus.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Default)
            ?? throw new InvalidOperationException("dbus-daemon printed no address.");
        var session = new SecretServiceSession(root, bus, address);
        (int exit, string output) = await session.RunToolAsync("testpass", "gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize");
        exit.Should().Be(0, output);
        return session;
    }

    /// <summary>Gets the environment of a process that uses this session: its bus, its home, no display (so nothing prompts).</summary>
    public void Apply(ProcessStartInfo start)
    {
        start.Environment["DBUS_SESSION_BUS_ADDRESS"] = Address;
        start.Environment["HOME"] = Path.Combine(Root, "home");
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Root, "home", "data");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(Root, "home", "config");
        start.Environment["XDG_RUNTIME_DIR"] = Path.Combine(Root, "run");
        start.Environment.Remove("DISPLAY");
        start.Environment.Remove("WAYLAND_DISPLAY");
        start.Environment.Remove("MCP_OAUTH_STORE_DIR");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
    }

    /// <summary>Locks the login keyring, as a screen lock or a timeout would.</summary>
    public async Task LockKeyringAsync()
    {
        (int exit, string output) = await RunToolAsync(null, "dbus-send", "--session", "--dest=org.freedesktop.secrets", "--type=method_call",
            "--print-reply", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", $"array:objpath:{LoginCollection}");
        exit.Should().Be(0, output);
    }

    /// <summary>Runs the StoreWriter to completion with the keyring store over <see cref="StoreDirectory"/>.</summary>
    /// <param name="arguments">Its arguments; <c>{store}</c> stands for <see cref="StoreDirectory"/>.</param>
    /// <param name="environment">Changes <see cref="Apply"/>'s environment, such as a bus that does not exist.</param>
    public Task<WriterResult> WriterAsync(string[] arguments, Action<ProcessStartInfo>? environment = null) =>
        StoreWriter.RunAsync(this, arguments, environment);

    /// <summary>Runs a command-line tool in this session's environment.</summary>
    /// <returns>The exit code and everything it printed.</returns>
    public async Task<(int ExitCode, string Output)> RunToolAsync(string? input, string tool, params string[] arguments)
    {
        ProcessStartInfo start = ChildProcess.RedirectedStartInfo(tool, arguments);
        Apply(start);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        return (process.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _bus.Kill(entireProcessTree: true);
            await _bus.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
        catch (InvalidOperationException)
        {
        }

        _bus.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));
}

/// <summary>What a StoreWriter run printed.</summary>
internal sealed record WriterResult(int ExitCode, IReadOnlyList<string> Lines, string Transcript);

/// <summary>The StoreWriter (tests/McpOAuth.Client.StoreWriter) as a child process.</summary>
internal static class StoreWriter
{
    /// <summary>Starts the StoreWriter with standard input and output redirected.</summary>
    public static Process Start(SecretServiceSession session, string[] arguments, Action<ProcessStartInfo>? environment = null)
    {
        ProcessStartInfo start = ChildProcess.DotnetStartInfo(ChildProcess.StoreWriterPath, Expand(session, arguments));
        Configure(session, start, environment);
        return Process.Start(start) ?? throw new InvalidOperationException("The StoreWriter did not start.");
    }

    /// <summary>Runs the StoreWriter to completion with its standard input closed.</summary>
    public static async Task<WriterResult> RunAsync(SecretServiceSession session, string[] arguments, Action<ProcessStartInfo>? environment)
    {
        CliResult run = await ChildProcess.RunAsync(
            ChildProcess.StoreWriterPath, "StoreWriter", Expand(session, arguments), start => Configure(session, start, environment));
        return new WriterResult(run.ExitCode, run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), run.Transcript);
    }

    /// <summary>The arguments with <c>{store}</c> replaced by the session's store directory.</summary>
    private static IEnumerable<string> Expand(SecretServiceSession session, string[] arguments) =>
        arguments.Select(a => a.Replace("{store}", session.StoreDirectory, StringComparison.Ordinal));

    /// <summary>Runs in the session's directory with its environment, then the caller's changes.</summary>
    private static void Configure(SecretServiceSession session, ProcessStartInfo start, Action<ProcessStartInfo>? environment)
    {
        start.WorkingDirectory = session.Root;
        session.Apply(start);
        environment?.Invoke(start);
    }
}
