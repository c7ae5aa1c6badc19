using System.Net;
using System.Net.Sockets;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>STYLE §7: a caller that gives up (Ctrl+C in the CLI) gets an <see cref="OperationCanceledException"/> carrying its own
/// token, never <see cref="McpOAuthErrorCode.Timeout"/>; only the library's own <see cref="McpOAuthOptions.HttpTimeout"/> is a
/// timeout. Discovery goes to a real loopback server that takes the connection and never answers.</summary>
public sealed class CancellationTests : IAsyncLifetime, IDisposable
{
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _accepting;

    private Uri ServerUri => new($"http://127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}/mcp");

    public Task InitializeAsync()
    {
        _silent.Start();
        _accepting = AcceptAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _silent.Stop();
        await _accepting!.ContinueWith(static _ => { }, TaskScheduler.Default);
        _held.ForEach(c => c.Dispose());
    }

    public void Dispose() => _silent.Dispose();

    [Fact]
    public async Task SignInAsync_CallerCancelsDuringDiscovery_OperationCanceledWithTheCallersToken()
    {
        using var client = McpClientHarness.Create();
        using var cts = new CancellationTokenSource();

        Task<TokenSet> signIn = client.Provider.SignInAsync(ServerUri, cancellationToken: cts.Token);
        await _connected.Task.WaitAsync(TestTimeouts.Default);
        await cts.CancelAsync();
        Func<Task> act = () => signIn.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cts.Token);
    }

    [Fact]
    public async Task SignInAsync_ServerNeverAnswersDiscovery_TimeoutByTheLibrarysOwnClock()
    {
        var time = new FakeTimeProvider();
        using var client = McpClientHarness.Create(o => o.HttpTimeout = TimeSpan.FromSeconds(10), timeProvider: time);

        Task<TokenSet> signIn = client.Provider.SignInAsync(ServerUri);
        await _connected.Task.WaitAsync(TestTimeouts.Default);
        time.Advance(TimeSpan.FromSeconds(10));
        Func<Task> act = () => signIn.WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                TcpClient accepted = await _silent.AcceptTcpClientAsync();
                lock (_held)
                {
                    _held.Add(accepted);
                }

                _connected.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
