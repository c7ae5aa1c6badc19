using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>The proxy's process contract (issue 13 item 3), observed on the raw streams: the host is the SDK's
/// <see cref="McpClient"/> over <see cref="StreamClientTransport"/> on the pipes of a process this test starts, so every byte
/// of standard output is recorded, and the test can close standard input or send SIGTERM itself.</summary>
public sealed class ProxyProcessTests
{
    private const int SigTerm = 15;

    // Standard output carries the protocol only: the sign-in prompts, the progress and --verbose logs all go to stderr.
    [Fact]
    public async Task Proxy_SignInAndVerboseLogs_StandardOutputHoldsOnlyJsonRpcAndStdinEofExitsZero()
    {
        await using var servers = await TestServersForProxy.StartAsync();
        using var temp = new TempDirectory();
        using var run = ProxyRun.Start(servers.Mcp.Resource, temp.Path, "--verbose");

        McpClient client = await run.ConnectAndSignInAsync();
        await client.ListToolsAsync();
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "only json on stdout" });
        await client.DisposeAsync();
        run.CloseStandardInput(); // the end of the session for a stdio server
        int exitCode = await run.WaitForExitAsync();

        string[] lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using (new AssertionScope())
        {
            exitCode.Should().Be(0, run.StandardError.Text);
            lines.Should().HaveCountGreaterThanOrEqualTo(3, "initialize, tools/list and tools/call were answered");
            lines.Should().OnlyContain(line => IsJsonRpc(line), "standard output carries JSON-RPC messages only:\n" + run.StandardOutput);
            run.StandardError.Text.Should().Contain("Open this URL to sign in:").And.Contain("Exchanging the authorization code");
            servers.Mcp.Requests.Should().Contain(r => r.Method == "DELETE", "the session is ended on stdin EOF");
        }
    }

    // SIGTERM is how hosts stop a stdio server that does not exit on its own: a clean shutdown, the session ended, exit 0.
    // (POSIX only, like the rest of the CLI tests: kill(2) from libc.)
    [Fact]
    public async Task Proxy_SigTerm_EndsTheSessionAndExitsZero()
    {
        await using var servers = await TestServersForProxy.StartAsync();
        using var temp = new TempDirectory();
        using var run = ProxyRun.Start(servers.Mcp.Resource, temp.Path);
        McpClient client = await run.ConnectAndSignInAsync();
        await client.ListToolsAsync();

        Kill(run.ProcessId, SigTerm).Should().Be(0);
        int exitCode = await run.WaitForExitAsync();

        using (new AssertionScope())
        {
            exitCode.Should().Be(0, run.StandardError.Text);
            servers.Mcp.Requests.Should().Contain(r => r.Method == "DELETE" && r.SessionId != null, "the session is ended on SIGTERM");
        }

        await client.DisposeAsync();
    }

    private static bool IsJsonRpc(string line)
    {
        try
        {
            return JsonNode.Parse(line) is JsonObject message && (string?)message["jsonrpc"] == "2.0";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>One proxy process with its pipes: standard output recorded, standard error collected by line.</summary>
    private sealed class ProxyRun : IDisposable
    {
        private readonly Process _process;
        private readonly RecordingStream _stdout;
        private readonly ScriptedBrowser _browser = new();

        private ProxyRun(Process process)
        {
            _process = process;
            _stdout = new RecordingStream(process.StandardOutput.BaseStream);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    StandardError.Add(line);
                }
            };
            process.BeginErrorReadLine();
        }

        public StandardErrorLines StandardError { get; } = new();

        public string StandardOutput => _stdout.Text;

        public int ProcessId => _process.Id;

        public static ProxyRun Start(string serverUrl, string storeDirectory, params string[] extraArguments)
        {
            // Not a ChildProcess: standard output is read as raw bytes by the SDK's transport, not as lines.
            ProcessStartInfo start = ChildProcess.DotnetStartInfo(ChildProcess.CliPath, ["proxy", serverUrl, "--store-dir", storeDirectory, .. extraArguments]);
            start.Environment["BROWSER"] = "true";
            start.Environment.Remove("MCP_OAUTH_STORE_DIR");
            start.Environment.Remove("XDG_CONFIG_HOME");
            return new ProxyRun(Process.Start(start) ?? throw new InvalidOperationException("The proxy did not start."));
        }

        /// <summary>Runs the handshake through the proxy, approving the sign-in it asks for on standard error.</summary>
        public async Task<McpClient> ConnectAndSignInAsync()
        {
            var transport = new StreamClientTransport(_process.StandardInput.BaseStream, _stdout);
            Task<McpClient> connecting = McpClient.CreateAsync(
                transport, new McpClientOptions { ProtocolVersion = "2025-11-25", InitializationTimeout = TestTimeouts.Default });
            await _browser.NavigateAsync(await StandardError.WaitForSignInUrlAsync());
            return await connecting.WaitAsync(TestTimeouts.Default);
        }

        public void CloseStandardInput() => _process.StandardInput.Close();

        public async Task<int> WaitForExitAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            _browser.Dispose();
        }
    }
}
