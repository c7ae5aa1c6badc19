using System.Collections.Concurrent;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>An MCP host as Claude Desktop or VS Code runs one: the official SDK's <see cref="StdioClientTransport"/> starts
/// <c>dotnet mcp-oauth.dll proxy URL ...</c> and an <see cref="McpClient"/> talks to it over stdio. Its standard error is
/// collected line by line, so a test can read the sign-in URL the proxy prints there and approve it as the user's browser
/// would. <c>BROWSER</c> is <c>true</c> (the coreutils no-op), so the proxy's default browser launch succeeds without opening
/// anything.</summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private readonly StandardErrorLines _stderr = new();
    private readonly ConcurrentQueue<string> _notifications = new();
    private readonly Channel<string> _notificationArrivals = Channel.CreateUnbounded<string>();
    private Task<McpClient>? _connecting;

    private ProxyHost(StdioClientTransport transport) => Transport = transport;

    public StdioClientTransport Transport { get; }

    /// <summary>Gets everything the proxy wrote to standard error so far.</summary>
    public string StandardError => _stderr.Text;

    /// <summary>Gets the methods of the notifications the host received, in order.</summary>
    public IReadOnlyList<string> Notifications => [.. _notifications];

    /// <summary>Starts the proxy and the MCP handshake through it; the handshake waits for the sign-in, if one is needed.</summary>
    public static ProxyHost Start(string serverUrl, string storeDirectory, params string[] extraArguments)
    {
        var options = new StdioClientTransportOptions
        {
            Name = "proxy under test",
            Command = ChildProcess.DotnetHost(),
            Arguments = [ChildProcess.CliPath, "proxy", serverUrl, "--store-dir", storeDirectory, .. extraArguments],
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["BROWSER"] = "true",
                ["MCP_OAUTH_STORE_DIR"] = null,
                ["XDG_CONFIG_HOME"] = null,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            },
            ShutdownTimeout = TestTimeouts.Default,
        };
        ProxyHost? host = null;
        options.StandardErrorLines = line => host!._stderr.Add(line);
        host = new ProxyHost(new StdioClientTransport(options));
        host._connecting = McpClient.CreateAsync(host.Transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "proxy-test-host", Version = "1.0.0" },
            ProtocolVersion = "2025-11-25", // the initialize handshake and a Streamable HTTP session (Mcp-Session-Id, GET stream)
            InitializationTimeout = TestTimeouts.Default,
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(ProtectedSdkMcpServer.InCallNotification, host.OnNotificationAsync),
                    new(ProtectedSdkMcpServer.UnsolicitedNotification, host.OnNotificationAsync),
                ],
            },
        });
        return host;
    }

    /// <summary>Waits for the handshake to finish.</summary>
    public Task<McpClient> ConnectedAsync() => _connecting!.WaitAsync(TestTimeouts.Default);

    /// <summary>Approves the first sign-in with <paramref name="approve"/> (given the URL the proxy prints) and waits for the
    /// handshake.</summary>
    public async Task<McpClient> SignInAndConnectAsync(Func<Uri, Task> approve)
    {
        await approve(await WaitForSignInUrlAsync());
        return await ConnectedAsync();
    }

    /// <summary>Reads standard error until the proxy prints a sign-in URL, and returns it.</summary>
    public Task<Uri> WaitForSignInUrlAsync() => _stderr.WaitForSignInUrlAsync();

    /// <summary>Waits for the next notification the host receives, and returns its method.</summary>
    public Task<string> NextNotificationAsync() => _notificationArrivals.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);

    /// <summary>Ends the session as a host does (closes the proxy's standard input) and returns the proxy's exit code.</summary>
    public async Task<int?> StopAsync()
    {
        McpClient client = await ConnectedAsync();
        await client.DisposeAsync();
        ClientCompletionDetails details = await client.Completion.WaitAsync(TestTimeouts.Default);
        return (details as StdioClientCompletionDetails)?.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connecting is { IsCompletedSuccessfully: true } connected)
        {
            await connected.Result.DisposeAsync();
        }
    }

    private ValueTask OnNotificationAsync(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        _notifications.Enqueue(notification.Method);
        _notificationArrivals.Writer.TryWrite(notification.Method);
        return ValueTask.CompletedTask;
    }
}
