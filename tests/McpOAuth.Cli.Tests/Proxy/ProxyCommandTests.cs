using FluentAssertions.Execution;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary><c>mcp-oauth proxy</c> (issue 13 item 3) as an MCP host runs it: the SDK's <see cref="StdioClientTransport"/> and
/// <see cref="McpClient"/> start the built CLI, which relays to an SDK MCP server protected by the loopback test authorization
/// server (whose clock the test owns). The sign-in is approved by the scripted browser from the URL the proxy prints on
/// standard error.</summary>
public sealed class ProxyCommandTests
{
    [Fact]
    public async Task Proxy_SignsInOnFirstNeed_RelaysRequestsAndNotificationsInOneSessionAndExitsZeroOnStdinEof()
    {
        await using SignedInProxy proxy = await SignedInProxy.StartAsync(); // AUTH: sign-in on first need, URL on stderr
        (TestServersForProxy servers, ProxyHost host, McpClient client) = (proxy.Servers, proxy.Host, proxy.Client);

        IList<McpClientTool> tools = await client.ListToolsAsync();
        CallToolResult echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hello through the proxy" });
        await client.CallToolAsync("notify");
        string inCall = await host.NextNotificationAsync();
        await servers.Mcp.GetStreamOpened.WaitAsync(TestTimeouts.Default);
        await servers.Mcp.SendUnsolicitedAsync();
        string unsolicited = await host.NextNotificationAsync();
        int? exitCode = await host.StopAsync();

        IReadOnlyList<McpHttpRequest> accepted = [.. servers.Mcp.Requests.Where(r => r.StatusCode == 200)];
        string sessionId = accepted.Skip(1).Select(r => r.SessionId).FirstOrDefault()
            ?? throw new InvalidOperationException("The server saw no request after initialize.");
        using (new AssertionScope())
        {
            client.ServerInfo!.Name.Should().Be("proxy-test-server");
            tools.Select(t => t.Name).Should().BeEquivalentTo("echo", "admin", "notify");
            echo.Content.OfType<TextContentBlock>().Should().ContainSingle().Which.Text.Should().Be("hello through the proxy");
            inCall.Should().Be(ProtectedSdkMcpServer.InCallNotification, "a notification on a POST's SSE response is relayed");
            unsolicited.Should().Be(ProtectedSdkMcpServer.UnsolicitedNotification, "a notification on the GET stream is relayed");
            accepted.Skip(1).Should().OnlyContain(r => r.SessionId == sessionId && r.ProtocolVersion == "2025-11-25",
                "every request after initialize carries the session id and the negotiated protocol version");
            accepted.Should().Contain(r => r.Method == "GET").And.Contain(r => r.Method == "DELETE", "the session ends with a DELETE");
            exitCode.Should().Be(0, host.StandardError);
            servers.Authorization.AuthorizeRequestCount.Should().Be(1);
            host.StandardError.Should().NotContain(servers.Authorization.IssuedAccessTokens[0].Token);
        }
    }

    // REF: the access token expires mid-session (the server's clock passes its expiry); the proxy refreshes and retries, the
    // host sees an ordinary answer.
    [Fact]
    public async Task Proxy_AccessTokenExpiresMidSession_RefreshesWithoutTheHostNoticing()
    {
        await using SignedInProxy proxy = await SignedInProxy.StartAsync();
        (TestServersForProxy servers, ProxyHost host, McpClient client) = (proxy.Servers, proxy.Host, proxy.Client);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "before" });

        servers.Clock.Advance(TimeSpan.FromHours(2)); // past the access token's one-hour lifetime, at the authorization server
        CallToolResult after = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "after expiry" });

        using (new AssertionScope())
        {
            after.IsError.Should().NotBe(true);
            after.Content.OfType<TextContentBlock>().Should().ContainSingle().Which.Text.Should().Be("after expiry");
            servers.Authorization.TokenRequestCount("refresh_token").Should().Be(1, host.StandardError);
            servers.Authorization.AuthorizeRequestCount.Should().Be(1, "a refresh, not a new sign-in");
            servers.Mcp.Requests.Should().Contain(r => r.StatusCode == 401 && r.Token != null, "the server rejected the expired token");
        }
    }

    // AUTH-28/29: a 403 insufficient_scope makes the proxy sign in again for the union of scopes, then retry the call.
    [Fact]
    public async Task Proxy_ToolNeedsMoreScope_StepsUpAndRetriesTheCall()
    {
        await using SignedInProxy proxy = await SignedInProxy.StartAsync();
        (TestServersForProxy servers, ProxyHost host, McpClient client) = (proxy.Servers, proxy.Host, proxy.Client);

        Task<CallToolResult> admin = client.CallToolAsync("admin").AsTask();
        await proxy.Browser.NavigateAsync(await host.WaitForSignInUrlAsync());
        CallToolResult result = await admin.WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            result.Content.OfType<TextContentBlock>().Should().ContainSingle().Which.Text.Should().Be("admin ok");
            servers.Authorization.AuthorizeRequests.Select(r => r.QueryValue("scope")).Should()
                .Equal(ProtectedSdkMcpServer.ToolsScope, $"{ProtectedSdkMcpServer.ToolsScope} {ProtectedSdkMcpServer.AdminScope}");
            servers.Mcp.Requests.Should().Contain(r => r.StatusCode == 403);
        }
    }

    /// <summary>The servers, the proxy started against them with a store of its own, and the SDK client connected once the
    /// scripted browser approved the first sign-in; disposed in the reverse order.</summary>
    private sealed class SignedInProxy : IAsyncDisposable
    {
        private readonly TempDirectory _temp = new();

        private SignedInProxy(TestServersForProxy servers)
        {
            Servers = servers;
            Host = ProxyHost.Start(servers.Mcp.Resource, _temp.Path);
        }

        public TestServersForProxy Servers { get; }

        public ScriptedBrowser Browser { get; } = new();

        public ProxyHost Host { get; }

        public McpClient Client { get; private set; } = null!;

        public static async Task<SignedInProxy> StartAsync()
        {
            var proxy = new SignedInProxy(await TestServersForProxy.StartAsync());
            try
            {
                proxy.Client = await proxy.Host.SignInAndConnectAsync(url => proxy.Browser.NavigateAsync(url));
                return proxy;
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            _temp.Dispose();
            Browser.Dispose();
            await Servers.DisposeAsync();
        }
    }
}
