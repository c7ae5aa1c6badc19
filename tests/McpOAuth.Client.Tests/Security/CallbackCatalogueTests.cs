using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.5, the loopback callback server (T4, T6, T7): the cases that need many sockets or two
/// sign-ins at once.</summary>
public sealed class CallbackCatalogueTests
{
    private const string State = "state-CB13-secret";
    private const int Trickling = 200;

    [Fact]
    public async Task WaitAsync_TwoHundredSocketsTricklingOneByte_TheGenuineCallbackIsServedAndIdleOnesClose()
    {
        // CB-13 (slow loris): a local process holds connections open without finishing a request; the genuine callback still
        // gets its answer, at most 16 connections are held at a time, and the rest close at the per-connection timeout.
        var time = new ObservableTimeProvider();
        var receiver = new LoopbackCallbackReceiver(time);
        await using ICallbackListener listener = await receiver.ListenAsync(new CallbackListenRequest
        {
            State = State,
            ExpectedIssuer = "https://auth.example.com",
            Timeout = TimeSpan.FromMinutes(5),
        });
        Task<CallbackResult> wait = listener.WaitAsync();
        var sockets = new List<Socket>();
        var closed = new List<Task>();
        try
        {
            for (int i = 0; i < Trickling; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, listener.RedirectUri.Port).WaitAsync(TestTimeouts.Default);
                await socket.SendAsync(Encoding.ASCII.GetBytes("G"));
                closed.Add(ClosedByServerAsync(socket));
            }

            await AtLeastAsync(closed, Trickling - 16).WaitAsync(TestTimeouts.Default);
            RawHttpResponse genuine = await RawHttp.CallbackAsync(listener.RedirectUri, $"code=real-code&state={State}");
            CallbackResult result = await wait.WaitAsync(TestTimeouts.Default);
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.WhenAll(closed).WaitAsync(TestTimeouts.Default);

            using (new AssertionScope())
            {
                genuine.StatusCode.Should().Be(200);
                result.Code.Should().Be("real-code");
                closed.Should().OnlyContain(t => t.IsCompleted, "every idle connection is closed by the server");
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task SendAsync_TwoSignInsAtOnceWithTheirCallbacksSwapped_EachListenerRefusesTheOthersAndCompletesWithItsOwn()
    {
        // CB-17: two MCP servers, two listeners on two ports; server A's response (code and state) delivered to B's listener is
        // refused there, and each sign-in completes only with its own response.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var serverA = await TestMcpServer.StartAsync(authorizationServer);
        await using var serverB = await TestMcpServer.StartAsync(authorizationServer);
        using var client = McpClientHarness.Create();
        client.Browser.Mode = ScriptedBrowserMode.CaptureOnly;
        Task<HttpResponseMessage> callA = client.CallAsync(serverA.McpUri, "initialize");
        Task<HttpResponseMessage> callB = client.CallAsync(serverB.McpUri, "initialize");
        Uri[] launched = [await client.Browser.WaitForLaunchAsync().WaitAsync(McpClientHarness.HangGuard), await client.Browser.WaitForLaunchAsync().WaitAsync(McpClientHarness.HangGuard)];
        Uri[] callbacks = [await client.Browser.AuthorizeAsync(launched[0]), await client.Browser.AuthorizeAsync(launched[1])];
        callbacks[0].Port.Should().NotBe(callbacks[1].Port, "each sign-in has its own listener");

        BrowserNavigation swapped0 = await client.Browser.DeliverCallbackAsync(OnPortOf(callbacks[0], callbacks[1])).WaitAsync(McpClientHarness.HangGuard);
        BrowserNavigation swapped1 = await client.Browser.DeliverCallbackAsync(OnPortOf(callbacks[1], callbacks[0])).WaitAsync(McpClientHarness.HangGuard);
        bool eitherCompletedBySwap = callA.IsCompleted || callB.IsCompleted;
        BrowserNavigation own0 = await client.Browser.DeliverCallbackAsync(callbacks[0]).WaitAsync(McpClientHarness.HangGuard);
        BrowserNavigation own1 = await client.Browser.DeliverCallbackAsync(callbacks[1]).WaitAsync(McpClientHarness.HangGuard);
        using HttpResponseMessage responseA = await callA.WaitAsync(McpClientHarness.HangGuard);
        using HttpResponseMessage responseB = await callB.WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            swapped0.CallbackStatusCode.Should().Be(HttpStatusCode.BadRequest);
            swapped1.CallbackStatusCode.Should().Be(HttpStatusCode.BadRequest);
            eitherCompletedBySwap.Should().BeFalse();
            own0.CallbackStatusCode.Should().Be(HttpStatusCode.OK);
            own1.CallbackStatusCode.Should().Be(HttpStatusCode.OK);
            responseA.Should().HaveStatusCode(HttpStatusCode.OK);
            responseB.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.TokenRequests.Select(r => r.FormValue("code")).Should().BeEquivalentTo(callbacks.Select(CodeOf));
            authorizationServer.TokenRequests.Should().OnlyContain(r => r.StatusCode == 200);
            serverA.McpRequests[^1].BearerToken.Should().NotBe(serverB.McpRequests[^1].BearerToken);
        }
    }

    private static Uri OnPortOf(Uri callback, Uri listener) => new UriBuilder(callback) { Port = listener.Port }.Uri;

    private static string? CodeOf(Uri callback) => FormEncoding.Parse(callback.Query)["code"].ToString();

    /// <summary>Completes when the server closes the connection (end of stream or reset).</summary>
    private static async Task ClosedByServerAsync(Socket socket)
    {
        byte[] buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    private static Task AtLeastAsync(IReadOnlyList<Task> tasks, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int completed = 0;
        foreach (Task task in tasks)
        {
            _ = task.ContinueWith(
                _ =>
                {
                    if (Interlocked.Increment(ref completed) >= count)
                    {
                        done.TrySetResult();
                    }
                },
                TaskScheduler.Default);
        }

        return done.Task;
    }
}
