using System.Net;
using McpOAuth.Client.Tests.OidcProvider;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>The library as an application builds it (<see cref="McpOAuthProviderFactory"/>, <see cref="McpOAuthHandler"/>,
/// <see cref="FileTokenStore"/>) against the real oidc-provider (issue 3, "a real, certified authorization server in CI"):
/// sign-in, proactive refresh with rotation proven at the server, and one refresh for 100 concurrent requests (REF-01).</summary>
/// <remarks>The client's clock is a <see cref="FakeTimeProvider"/>: the access token expires for the client when the test
/// advances it, with no waiting. The refreshed tokens are real, and the MCP server checks them on the real clock.</remarks>
public sealed class McpOAuthProviderRealServerTests : IClassFixture<OidcRealServerFixture>
{
    private static readonly TimeSpan PastExpiry = TimeSpan.FromSeconds(OidcRealServerFixture.AccessTokenTtlSeconds + 1);

    private readonly OidcRealServerFixture _servers;

    public McpOAuthProviderRealServerTests(OidcRealServerFixture servers) => _servers = servers;

    private TestMcpServer Mcp => _servers.Mcp;

    [Fact]
    public async Task SendAsync_FirstCallSignsInThroughOidcProvider_CallSucceedsAndStoreIsOwnerOnly()
    {
        using var client = new Client(_servers, TimeProvider.System);

        using HttpResponseMessage response = await client.CallAsync(Mcp.McpUri, "initialize");

        response.Should().HaveStatusCode(HttpStatusCode.OK, client.Describe());
        TokenSet stored = await client.ReadStoredAsync();
        string file = Directory.GetFiles(client.StoreDirectory, "*.json").Should().ContainSingle().Which;
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            stored.Resource.Should().Be(Mcp.Resource);
            stored.Issuer.Should().Be(_servers.Oidc.Issuer);
            stored.RefreshToken.Should().NotBeNullOrEmpty("oidc-provider grants offline_access to a client that asks for it");
            stored.Registration.Should().NotBeNull().And.BeEquivalentTo(new { Kind = ClientRegistrationKind.Dynamic, stored.ClientId });
            _servers.ValidateForResource(stored.AccessToken, Mcp.Resource).Should().NotBeNull("the stored access token is a JWT for exactly this resource");
            Mcp.McpRequests[^1].BearerToken.Should().Be(stored.AccessToken);

            // STORE-01: the library created the directory 0700 and the file 0600.
            UnixModes.Of(client.StoreDirectory).Should().Be(UnixModes.OwnerAll);
            UnixModes.Of(file).Should().Be(UnixModes.OwnerReadWrite);
        }
    }

    [Fact]
    public async Task SendAsync_AccessTokenExpired_RefreshesBeforeUseAndOldRefreshTokenIsDeadAtTheServer()
    {
        using ExpiredSession session = await SignInThenExpireAsync();
        (Client client, FakeTimeProvider time, TokenSet before, int mcpRequestsBefore, int challengesBefore) = session;
        using HttpResponseMessage response = await client.CallAsync(Mcp.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK, client.Describe());
        TokenSet after = await client.ReadStoredAsync();
        TokenCall refresh = client.Backchannel.RefreshCalls.Should().ContainSingle(client.Describe()).Which;
        (HttpStatusCode status, var body) = await _servers.RawRefreshAsync(before);
        using (new AssertionScope())
        {
            refresh.Status.Should().Be(HttpStatusCode.OK, refresh.ResponseBody);
            refresh.Form.Should().Contain("refresh_token", before.RefreshToken!).And.Contain("resource", Mcp.Resource);

            // Before use: the one request after expiry already carried the refreshed token, and nothing was challenged.
            Mcp.McpRequests.Skip(mcpRequestsBefore).Select(r => r.BearerToken).Should().Equal(after.AccessToken);
            Mcp.UnauthorizedCount.Should().Be(challengesBefore);
            after.AccessToken.Should().NotBe(before.AccessToken);
            _servers.ValidateForResource(after.AccessToken, Mcp.Resource).Should().NotBeNull();

            // Rotation, proven at the real server: the store holds a new refresh token, and the old one is refused.
            after.RefreshToken.Should().NotBeNullOrEmpty().And.NotBe(before.RefreshToken);
            status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
            ((string?)body["error"]).Should().Be("invalid_grant");

            // The lock file taken around the refresh is owner-only too.
            Directory.GetFiles(client.StoreDirectory).Should().OnlyContain(f => UnixModes.Of(f) == UnixModes.OwnerReadWrite);
        }
    }

    [Fact]
    public async Task SendAsync_HundredConcurrentRequestsOnExpiredToken_OneRefreshReachesTheServerAndAllSucceed()
    {
        // REF-01 against a real authorization server
        using ExpiredSession session = await SignInThenExpireAsync();
        (Client client, FakeTimeProvider time, TokenSet before, int mcpRequestsBefore, int challengesBefore) = session;
        HttpResponseMessage[] responses = await Task.WhenAll(
            Enumerable.Range(1, 100).Select(i => Task.Run(() => client.CallAsync(Mcp.McpUri, "tools/list", i))));

        TokenSet after = await client.ReadStoredAsync();
        using (new AssertionScope())
        {
            responses.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
            client.Backchannel.RefreshCalls.Should().ContainSingle(client.Describe())
                .Which.Status.Should().Be(HttpStatusCode.OK);
            client.Backchannel.TokenCalls.Should().NotContain(c => c.ResponseBody.Contains("invalid_grant", StringComparison.Ordinal));
            Mcp.McpRequests.Skip(mcpRequestsBefore).Should().HaveCount(100)
                .And.OnlyContain(r => r.BearerToken == after.AccessToken && r.StatusCode == 200);
            Mcp.UnauthorizedCount.Should().Be(challengesBefore);
            after.RefreshToken.Should().NotBe(before.RefreshToken);
        }

        foreach (HttpResponseMessage response in responses)
        {
            response.Dispose();
        }

        // No reuse detection fired: the rotated grant is alive, so the next expiry refreshes again.
        time.Advance(PastExpiry);
        using HttpResponseMessage next = await client.CallAsync(Mcp.McpUri, "tools/list", 101);

        next.Should().HaveStatusCode(HttpStatusCode.OK, client.Describe());
        client.Backchannel.RefreshCalls.Should().HaveCount(2).And.OnlyContain(c => c.Status == HttpStatusCode.OK);
    }

    /// <summary>A client that signed in through its first call, then moves its clock past the access token's expiry.</summary>
    private async Task<ExpiredSession> SignInThenExpireAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = new Client(_servers, time);
        try
        {
            await client.CallOkAsync(Mcp.McpUri, "initialize", () => client.Describe());
            var session = new ExpiredSession(client, time, await client.ReadStoredAsync(), Mcp.McpRequests.Count, Mcp.UnauthorizedCount);
            time.Advance(PastExpiry);
            return session;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The client of <see cref="SignInThenExpireAsync"/>, the credential it stored at sign-in, and the MCP server's
    /// request and challenge counts from before the expiry.</summary>
    private sealed record ExpiredSession(Client Client, FakeTimeProvider Time, TokenSet Before, int McpRequestsBefore, int ChallengesBefore) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    /// <summary>One client: a provider over a <see cref="FileTokenStore"/> in a directory of its own, <see cref="OidcBrowser"/> as its browser, and
    /// the <see cref="CountingBackchannelHandler"/> as its backchannel.</summary>
    private sealed class Client : IDisposable
    {
        private readonly OidcRealServerFixture _servers;
        private readonly FileTokenStore _store;
        private readonly IMcpOAuthProvider _provider;
        private readonly HttpClient _http;

        private readonly TempDirectory _temp = new();

        public Client(OidcRealServerFixture servers, TimeProvider time)
        {
            _servers = servers;
            StoreDirectory = _temp.Combine("store");
            Browser = servers.Oidc.CreateBrowser();
            Backchannel = new CountingBackchannelHandler();
            _store = new FileTokenStore(StoreDirectory);
            var options = new McpOAuthOptions
            {
                ServerUri = servers.Mcp.McpUri,
                LaunchBrowser = Browser.LaunchBrowser,
                AuthorizationTimeout = TimeSpan.FromSeconds(20),
            };
            _provider = McpOAuthProviderFactory.Create(options, _store, Backchannel, time);
            _http = new HttpClient(new McpOAuthHandler(_provider) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
        }

        public string StoreDirectory { get; }

        public OidcBrowser Browser { get; }

        public CountingBackchannelHandler Backchannel { get; }

        public async Task<HttpResponseMessage> CallAsync(Uri uri, string method, int id = 1)
        {
            using HttpRequestMessage request = McpClientHarness.CreateRequest(uri, McpClientHarness.JsonRpc(method, id));
            return await _http.SendAsync(request).WaitAsync(TestTimeouts.Default);
        }

        /// <summary>Calls <paramref name="method"/> and asserts a 200, with <paramref name="because"/> (read after the call)
        /// as the reason.</summary>
        public async Task CallOkAsync(Uri uri, string method, Func<string> because)
        {
            using HttpResponseMessage response = await CallAsync(uri, method);
            response.Should().HaveStatusCode(HttpStatusCode.OK, because());
        }

        /// <summary>Reads the one stored credential through a fresh store, as another process would.</summary>
        public async Task<TokenSet> ReadStoredAsync()
        {
            using var fresh = new FileTokenStore(StoreDirectory);
            IReadOnlyList<TokenSet> all = await fresh.ListAsync();
            return all.Should().ContainSingle(Describe()).Which;
        }

        public string Describe() =>
            $"token calls: [{string.Join(", ", Backchannel.TokenCalls.Select(c => $"{c.GrantType} -> {(int)c.Status}"))}]\n" +
            $"browser: {Browser.Completion?.Status.ToString() ?? "not launched"} {Browser.Completion?.Exception?.GetBaseException().Message}\n" +
            $"oidc-provider:\n{_servers.Oidc.Log}";

        public void Dispose()
        {
            _http.Dispose();
            (_provider as IDisposable)?.Dispose();
            _store.Dispose();
            Backchannel.Dispose();
            Browser.Dispose();
            _temp.Dispose();
        }
    }
}
