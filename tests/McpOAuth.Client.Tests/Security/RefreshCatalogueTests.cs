using System.Net;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.7, refresh, rotation and concurrency (T10, T15, T25), against a rotating, reuse-detecting
/// authorization server.</summary>
public sealed class RefreshCatalogueTests : ServerPairTest
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PastExpiry = Lifetime + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task GetAccessTokenAsync_HundredSequentialRotations_EachNewRefreshTokenStoredBeforeItsUseAndNoReuse()
    {
        // REF-02: 100 refreshes against a server that revokes the family on reuse; each rotated token is in the store before the
        // next refresh presents it.
        var issued = new List<string>();
        await using var rig = await SignedInAsync(o => o.MutateTokenResponse = body => issued.Add(body["refresh_token"]!.GetValue<string>()));
        var storedBeforeUse = new List<string?>();

        for (int i = 0; i < 100; i++)
        {
            rig.Time.Advance(PastExpiry);
            (await rig.Client.Provider.GetAccessTokenAsync(rig.Mcp.McpUri)).Should().NotBeNull();
            storedBeforeUse.Add((await rig.Store.ListAsync()).Single().RefreshToken);
        }

        RecordedRequest[] refreshes = [.. rig.Authorization.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token")];
        using (new AssertionScope())
        {
            refreshes.Should().HaveCount(100).And.OnlyContain(r => r.StatusCode == 200);
            refreshes.Select(r => r.FormValue("refresh_token")).Should().Equal(issued.Take(100));
            storedBeforeUse.Should().Equal(issued.Skip(1));
            rig.Authorization.RefreshTokenReuseCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_RaceLoserGetsInvalidGrantAfterTheWinnerStored_TheWinnersGenerationIsKept()
    {
        // REF-05 (compare-and-delete), in one process over a store whose lock excludes nothing (a shared cache): both
        // providers present the same refresh token; the winner stores generation N+1 before the loser's invalid_grant arrives,
        // and the loser adopts N+1 instead of deleting it. The cross-process kill case belongs to the store work.
        var time = new FakeTimeProvider();
        var issued = new List<string>();
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrivals = 0;
        var store = new NoLockStore();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = Lifetime;
            o.MutateTokenResponse = body => issued.Add(body["refresh_token"]!.GetValue<string>());
        });
        using var winner = McpClientHarness.Create(timeProvider: time, tokenStore: store);
        using var loser = McpClientHarness.Create(timeProvider: time, tokenStore: store);
        await winner.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        (await loser.Provider.ListLoginsAsync()).Should().ContainSingle();
        authorizationServer.Options.OnTokenRequest = async context =>
        {
            if (context.GetRecordedRequest().FormValue("grant_type") != "refresh_token")
            {
                return false;
            }

            if (Interlocked.Increment(ref arrivals) == 2)
            {
                bothArrived.TrySetResult();
                await store.Written.Task.WaitAsync(McpClientHarness.HangGuard); // The loser is answered after the winner stored.
            }

            await bothArrived.Task.WaitAsync(McpClientHarness.HangGuard);
            return false;
        };
        time.Advance(PastExpiry);

        string?[] tokens = await Task.WhenAll(
            winner.Provider.GetAccessTokenAsync(mcpServer.McpUri).AsTask(),
            loser.Provider.GetAccessTokenAsync(mcpServer.McpUri).AsTask()).WaitAsync(McpClientHarness.HangGuard);

        TokenSet kept = (await store.ListAsync()).Should().ContainSingle("the loser must not delete the winner's generation").Subject;
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token").Select(r => r.StatusCode).Should().BeEquivalentTo([200, 400]);
            kept.RefreshToken.Should().Be(issued[1]);
            tokens.Should().OnlyContain(t => t == kept.AccessToken, "both providers end with generation N+1");
        }
    }

    [Fact]
    public async Task SendAsync_ResourceMovesToAnotherAuthorizationServer_NothingOfTheOldIssuerReachesTheNewOneAndTheChangeIsVisible()
    {
        // REF-09, REF-08: the old issuer still honours its refresh token, yet neither it, the old client id nor the access token is sent
        // to the new issuer; no refresh is even tried at the old one; the user signs in again, and the log names the new issuer.
        var oldRefreshTokens = new List<string>();
        await using var first = await TestAuthorizationServer.StartAsync(o => o.MutateTokenResponse = body => oldRefreshTokens.Add(body["refresh_token"]!.GetValue<string>()));
        await using var second = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(first);
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, loggerFactory: loggerFactory);

        mcpServer.SetAuthorizationServer(second);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        string[] old = [.. oldRefreshTokens, first.Clients.Single().ClientId, .. first.IssuedAccessTokens.Select(t => t.Token)];
        using (new AssertionScope())
        {
            oldRefreshTokens.Should().ContainSingle();
            second.Requests.Should().NotContain(r => old.Any(secret =>
                (r.QueryString + "\n" + r.Body + "\n" + r.Authorization).Contains(secret, StringComparison.Ordinal)));
            first.TokenRequestCount("refresh_token").Should().Be(0, "the old issuer no longer serves the resource");
            second.RegistrationCount.Should().Be(1, "the client registers again at the new issuer");
            client.Browser.LaunchCount.Should().Be(2);
            logs.Lines.Should().Contain(e => e.Contains("Starting authorization at " + second.Issuer, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SendAsync_RefreshAnswersInvalidClient_RegistersOnceAgainThenOneInteractiveSignIn()
    {
        // REF-10 on refresh: the server forgot the dynamically registered client; the registration is dropped, the client
        // registers once more, the user signs in once, and nothing loops.
        await using var rig = await SignedInAsync();
        string forgotten = rig.Authorization.Clients.Single().ClientId;
        rig.Authorization.RemoveClient(forgotten).Should().BeTrue();
        rig.Time.Advance(PastExpiry);

        using HttpResponseMessage response = await rig.Client.CallAsync(rig.Mcp.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(rig.Authorization.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token")).Should().Equal("POST /token 401");
            rig.Authorization.RegistrationCount.Should().Be(2);
            rig.Authorization.Clients.Should().ContainSingle().Which.ClientId.Should().NotBe(forgotten);
            rig.Authorization.AuthorizeRequestCount.Should().Be(2);
            rig.Client.Browser.LaunchCount.Should().Be(2);
            (await rig.Store.ListAsync()).Should().ContainSingle().Which.ClientId.Should().NotBe(forgotten);
        }
    }

    [Fact]
    public async Task SendAsync_CallerThatStartedTheRefreshIsCancelled_TheRefreshCompletesAndTheOthersUseIt()
    {
        // REF-12: the request that triggered the shared refresh gives up while the token endpoint is answering; the refresh is
        // not aborted (its rotated refresh token is stored), the concurrent caller gets the new token, and the gate is free.
        var refreshArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseRefresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var rig = await SignedInAsync();
        rig.Authorization.Options.OnTokenRequest = async context =>
        {
            refreshArrived.TrySetResult();
            await releaseRefresh.Task.WaitAsync(McpClientHarness.HangGuard);
            return false;
        };
        rig.Time.Advance(PastExpiry);
        using var giveUp = new CancellationTokenSource();
        using HttpRequestMessage first = McpClientHarness.CreateRequest(rig.Mcp.McpUri, McpClientHarness.JsonRpc("tools/list", 2));
        Task<HttpResponseMessage> triggering = rig.Client.Http.SendAsync(first, giveUp.Token);
        await refreshArrived.Task.WaitAsync(McpClientHarness.HangGuard);
        Task<HttpResponseMessage> waiting = rig.Client.CallAsync(rig.Mcp.McpUri, "tools/list", 3);

        await giveUp.CancelAsync();
        await FluentActions.Awaiting(() => triggering.WaitAsync(McpClientHarness.HangGuard)).Should().ThrowAsync<OperationCanceledException>();
        releaseRefresh.TrySetResult();
        using HttpResponseMessage waited = await waiting.WaitAsync(McpClientHarness.HangGuard);
        using HttpResponseMessage later = await rig.Client.CallAsync(rig.Mcp.McpUri, "tools/list", 4);

        string refreshed = rig.Authorization.IssuedAccessTokens[^1].Token;
        using (new AssertionScope())
        {
            waited.Should().HaveStatusCode(HttpStatusCode.OK);
            later.Should().HaveStatusCode(HttpStatusCode.OK);
            rig.Authorization.TokenRequestCount("refresh_token").Should().Be(1);
            rig.Mcp.McpRequests.TakeLast(2).Should().OnlyContain(r => r.BearerToken == refreshed);
            (await rig.Store.ListAsync()).Single().AccessToken.Should().Be(refreshed, "the refresh ran to the end and was stored");
        }
    }

    /// <summary>Servers on a fake clock with short-lived tokens, and a client that has signed in once.</summary>
    private static async Task<SignedIn> SignedInAsync(Action<TestAuthorizationServerOptions>? configure = null)
    {
        var time = new FakeTimeProvider();
        ServerPair servers = await ServerPair.StartAsync(time, o =>
        {
            o.AccessTokenLifetime = Lifetime;
            configure?.Invoke(o);
        });
        var store = new InMemoryTokenStore();
        var client = McpClientHarness.Create(timeProvider: time, tokenStore: store);
        var rig = new SignedIn(time, servers, store, client);
        try
        {
            await client.CallOkAsync(servers.McpServer.McpUri, "initialize");
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    private sealed record SignedIn(FakeTimeProvider Time, ServerPair Servers, InMemoryTokenStore Store, McpClientHarness Client)
        : IAsyncDisposable
    {
        public TestAuthorizationServer Authorization => Servers.AuthorizationServer;

        public TestMcpServer Mcp => Servers.McpServer;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Servers.DisposeAsync();
        }
    }

    /// <summary>A shared store whose lock excludes nothing (a cache without locks), and which reports the first rotated write.</summary>
    private sealed class NoLockStore : ITokenStore
    {
        private readonly InMemoryTokenStore _inner = new();
        private int _writes;

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
        {
            await _inner.SetAsync(key, tokens, cancellationToken);
            if (Interlocked.Increment(ref _writes) == 2)
            {
                Written.TrySetResult(); // The first write is the sign-in; the second is the winner's refresh.
            }
        }

        public ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => _inner.RemoveAsync(key, cancellationToken);

        public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IAsyncDisposable>(new Released());

        public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);

        private sealed class Released : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
