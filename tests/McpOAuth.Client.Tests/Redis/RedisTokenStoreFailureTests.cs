using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>What <see cref="RedisTokenStore"/> does when Redis is away (issue 11): every call fails with
/// <see cref="McpOAuthErrorCode.StoreUnavailable"/> within its timeout, nothing is deleted, and the next call after Redis is
/// back works. Each test runs its own redis-server, since it stops or freezes it.</summary>
public sealed class RedisTokenStoreFailureTests
{
    private static readonly TokenStoreKey Key = RedisTestTokens.Key("alice");

    [Fact]
    public async Task Calls_RedisNeverReachable_FailWithStoreUnavailable()
    {
        await using ServiceProvider services = Services($"127.0.0.1:{RedisServer.FreePort()}");
        var store = (RedisTokenStore)services.GetRequiredService<ITokenStore>();

        McpOAuthException[] errors = await FailuresAsync(store);

        errors.Should().HaveCount(5).And.OnlyContain(e => e.Code == McpOAuthErrorCode.StoreUnavailable);
        errors.Should().OnlyContain(e => !e.Message.Contains("fake-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_RedisStoppedAndRestarted_TypedErrorsNothingDeletedThenRecovery()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(
            ConfigurationOptions.Parse(server.Configuration).Apply(o => o.BacklogPolicy = BacklogPolicy.FailFast));
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        await using ServiceProvider services = Services(factory: () => Task.FromResult<IConnectionMultiplexer>(connection));
        ITokenStore store = services.GetRequiredService<ITokenStore>();
        await store.SetAsync(Key, RedisTestTokens.Create(Key, 1));

        await server.StopAsync();
        McpOAuthException[] errors = await FailuresAsync(store);
        await server.RestartAsync();
        await restored.Task.WaitAsync(TestTimeouts.Default);

        TokenSet? afterOutage = await store.GetAsync(Key);
        await store.SetAsync(Key, RedisTestTokens.Create(Key, 2));
        using (new AssertionScope())
        {
            errors.Should().HaveCount(5).And.OnlyContain(e => e.Code == McpOAuthErrorCode.StoreUnavailable);
            afterOutage.Should().BeEquivalentTo(RedisTestTokens.Create(Key, 1), "the removal tried during the outage deleted nothing");
            (await store.GetAsync(Key))!.RefreshToken.Should().Be("fake-refresh-alice-2");
            await using IAsyncDisposable locked = await store.LockAsync(Key);
        }
    }

    [Fact]
    public async Task GetAsync_RedisHangs_TimesOutWithStoreUnavailableThenRecovers()
    {
        await using RedisServer server = await RedisServer.StartAsync();
        await using ConnectionMultiplexer connection = await server.ConnectAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new RedisTokenStoreOptions { KeyPrefix = RedisFixture.NewPrefix(), OperationTimeout = TimeSpan.FromSeconds(2) };
        await using var store = new RedisTokenStore(connection, options, timeProvider: time);
        await store.SetAsync(Key, RedisTestTokens.Create(Key, 1));

        server.Pause();
        ValueTask<TokenSet?> pending = store.GetAsync(Key);
        time.Advance(options.OperationTimeout);
        Func<Task> hung = async () => await pending;
        McpOAuthException error = (await hung.Should().ThrowAsync<McpOAuthException>()).Which;
        server.Resume();

        using (new AssertionScope())
        {
            error.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
            error.Message.Should().Contain("did not answer within 2 seconds");
            (await store.GetAsync(Key))!.RefreshToken.Should().Be("fake-refresh-alice-1");
        }
    }

    [Fact]
    public async Task GetAsync_CallerCancels_OperationCanceledPassesThroughUnwrapped()
    {
        await using ServiceProvider services = Services($"127.0.0.1:{RedisServer.FreePort()}");
        ITokenStore store = services.GetRequiredService<ITokenStore>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Func<Task> get = async () => await store.GetAsync(Key, cancelled.Token);

        await get.Should().ThrowAsync<OperationCanceledException>();
    }

    /// <summary>Every store operation once; each must fail with an <see cref="McpOAuthException"/>.</summary>
    private static async Task<McpOAuthException[]> FailuresAsync(ITokenStore store)
    {
        Func<Task>[] calls =
        [
            async () => await store.GetAsync(Key),
            async () => await store.SetAsync(Key, RedisTestTokens.Create(Key, 9)),
            async () => await store.RemoveAsync(Key),
            async () => await store.LockAsync(Key),
            async () => await store.ListPartitionAsync("alice"),
        ];
        var errors = new List<McpOAuthException>();
        foreach (Func<Task> call in calls)
        {
            errors.Add((await call.Should().ThrowAsync<McpOAuthException>()).Which);
        }

        return [.. errors];
    }

    private static ServiceProvider Services(string? configuration = null, Func<Task<IConnectionMultiplexer>>? factory = null)
    {
        var services = new ServiceCollection();
        services.AddMcpOAuth().UseRedisTokenStore(o =>
        {
            o.Configuration = configuration;
            o.ConnectionMultiplexerFactory = factory;
            o.KeyPrefix = RedisFixture.NewPrefix();
            o.OperationTimeout = TimeSpan.FromSeconds(2);
        });
        ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value.Should().NotBeNull();
        return provider;
    }
}
