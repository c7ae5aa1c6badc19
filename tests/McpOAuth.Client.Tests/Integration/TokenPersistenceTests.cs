using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>A second provider over the same token store: the next run of the application.</summary>
public sealed class TokenPersistenceTests : ServerPairTest
{
    // AUTH-45, STORE-10: a stored, usable token is used by the next run with no sign-in and no AS call.
    [Fact]
    public async Task SendAsync_NextRunWithStoredToken_UsesItWithoutSignIn()
    {
        var store = new InMemoryTokenStore();
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using (var firstRun = McpClientHarness.Create(tokenStore: store))
        {
            await firstRun.CallOkAsync(mcpServer.McpUri, "initialize");
        }

        int authorizationServerRequests = authorizationServer.Requests.Count;
        using var secondRun = McpClientHarness.Create(tokenStore: store);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            secondRun.Browser.LaunchCount.Should().Be(0);
            authorizationServer.Requests.Should().HaveCount(authorizationServerRequests);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 200");
        }
    }

    // AUTH-42, AUTH-45: the next run finds the stored access token expired and refreshes it with the stored refresh
    // token, without a browser (persisting refresh tokens is what a durable store is for).
    [Fact]
    public async Task SendAsync_NextRunWithExpiredStoredToken_RefreshesWithoutBrowser()
    {
        await using ExpiredLogin login = await ExpiredLogin.StartAsync();
        (FakeTimeProvider time, InMemoryTokenStore store, TestAuthorizationServer authorizationServer, TestMcpServer mcpServer) = login;
        using var secondRun = McpClientHarness.Create(timeProvider: time, tokenStore: store);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            secondRun.Browser.LaunchCount.Should().Be(0);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
        }
    }

    // REF-04, issue 10 ("shorten the window"): the next run resolves the authorization server (metadata) and the client before
    // it takes the store's refresh lock, so the window between the lock and the write holds only the refresh itself.
    [Fact]
    public async Task SendAsync_NextRunRefreshes_DiscoveryRunsBeforeTheStoreLockNeverInsideIt()
    {
        await using ExpiredLogin login = await ExpiredLogin.StartAsync();
        (FakeTimeProvider time, InMemoryTokenStore store, TestAuthorizationServer authorizationServer, TestMcpServer mcpServer) = login;
        int metadataBefore = MetadataRequests(authorizationServer);
        var locking = new LockRecordingStore(store, () => MetadataRequests(authorizationServer));
        using var secondRun = McpClientHarness.Create(timeProvider: time, tokenStore: locking);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            locking.MetadataRequestsAtLock.Should().NotBeEmpty("the refresh ran under the store's lock");
            MetadataRequests(authorizationServer).Should().BeGreaterThan(metadataBefore, "the next run had to find the server again");
            locking.MetadataRequestsAtLock.Should().OnlyContain(
                n => n == MetadataRequests(authorizationServer), "no metadata was fetched while the lock was held or after it");
        }
    }

    // AUTH-42, AUTH-45, REG-06: as above through the FileTokenStore, with a confidential dynamically registered client, so
    // the next run needs the stored client secret to refresh (and must not re-register or open a browser).
    [Fact]
    public async Task SendAsync_NextRunWithFileStoreAndConfidentialClient_RefreshesWithoutBrowser()
    {
        var time = new FakeTimeProvider();
        string directory = Path.Combine(Path.GetTempPath(), "mcpoauth-integration-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
            {
                o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
                o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            });
            using (var firstRun = McpClientHarness.Create(timeProvider: time, tokenStore: new FileTokenStore(directory)))
            {
                await firstRun.CallOkAsync(mcpServer.McpUri, "initialize");
            }

            time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
            using var secondRun = McpClientHarness.Create(timeProvider: time, tokenStore: new FileTokenStore(directory));

            using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

            response.Should().HaveStatusCode(HttpStatusCode.OK);
            using (new AssertionScope())
            {
                secondRun.Browser.LaunchCount.Should().Be(0);
                authorizationServer.RegistrationCount.Should().Be(1);
                McpClientHarness.Describe(authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token"))
                    .Should().Equal("POST /token 200");
                authorizationServer.TokenRequests[^1].Authorization.Should().StartWith("Basic ");
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static int MetadataRequests(TestAuthorizationServer server) =>
        server.Requests.Count(r => r.Path.Contains("/.well-known/", StringComparison.Ordinal));

    /// <summary>A store that notes, each time its lock is taken, how many metadata requests the server had seen.</summary>
    private sealed class LockRecordingStore(ITokenStore inner, Func<int> metadataRequests) : ITokenStore
    {
        public List<int> MetadataRequestsAtLock { get; } = [];

        public ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default) => inner.SetAsync(key, tokens, cancellationToken);

        public ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => inner.RemoveAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
        {
            MetadataRequestsAtLock.Add(metadataRequests());
            return inner.LockAsync(key, cancellationToken);
        }
    }

    /// <summary>A first run signed in with an in-memory store, and the clock moved past its access token's two minutes.</summary>
    private sealed record ExpiredLogin(FakeTimeProvider Time, InMemoryTokenStore Store, ServerPair Servers) : IAsyncDisposable
    {
        public TestAuthorizationServer AuthorizationServer => Servers.AuthorizationServer;

        public TestMcpServer McpServer => Servers.McpServer;

        public static async Task<ExpiredLogin> StartAsync()
        {
            var time = new FakeTimeProvider();
            var store = new InMemoryTokenStore();
            var login = new ExpiredLogin(time, store, await ServerPair.StartAsync(time, o => o.AccessTokenLifetime = TimeSpan.FromMinutes(2)));
            using (var firstRun = McpClientHarness.Create(timeProvider: time, tokenStore: store))
            {
                await firstRun.CallOkAsync(login.McpServer.McpUri, "initialize");
            }

            time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
            return login;
        }

        public void Deconstruct(out FakeTimeProvider time, out InMemoryTokenStore store, out TestAuthorizationServer authorizationServer, out TestMcpServer mcpServer)
        {
            (time, store, authorizationServer, mcpServer) = (Time, Store, AuthorizationServer, McpServer);
        }

        public ValueTask DisposeAsync() => Servers.DisposeAsync();
    }
}
