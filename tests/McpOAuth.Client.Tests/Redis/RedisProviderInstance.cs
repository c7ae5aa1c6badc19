using McpOAuth.Client.Tests.OidcProvider;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>One "instance" of a hosted application inside the test process: its own provider (from
/// <see cref="McpOAuthProviderFactory"/>), backchannel and <see cref="HttpClient"/>, over a <see cref="RedisTokenStore"/> shared
/// with the other instances. Only the instance given a browser may sign in; the others must find the credential in Redis.</summary>
internal sealed class RedisProviderInstance : IDisposable
{
    private readonly IMcpOAuthProvider _provider;
    private readonly HttpClient _http;

    public RedisProviderInstance(OidcRealServerFixture servers, ITokenStore store, TimeProvider time, OidcBrowser? browser)
    {
        Backchannel = new CountingBackchannelHandler();
        var options = new McpOAuthOptions
        {
            ServerUri = servers.Mcp.McpUri,
            LaunchBrowser = browser is null
                ? (_, _) => throw new InvalidOperationException("Only the first instance signs in; the others must use the shared credential.")
                : browser.LaunchBrowser,
            AuthorizationTimeout = TimeSpan.FromSeconds(20),
        };
        _provider = McpOAuthProviderFactory.Create(options, store, Backchannel, time);
        _http = new HttpClient(new McpOAuthHandler(_provider) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
    }

    public CountingBackchannelHandler Backchannel { get; }

    /// <summary>Sends one MCP request and returns its status code (0 when the library threw).</summary>
    public async Task<int> CallAsync(Uri uri, int id)
    {
        using HttpRequestMessage request = McpClientHarness.CreateRequest(uri, McpClientHarness.JsonRpc("tools/list", id));
        using HttpResponseMessage response = await _http.SendAsync(request).WaitAsync(TestTimeouts.Default);
        return (int)response.StatusCode;
    }

    public void Dispose()
    {
        _http.Dispose();
        (_provider as IDisposable)?.Dispose();
        Backchannel.Dispose();
    }
}
