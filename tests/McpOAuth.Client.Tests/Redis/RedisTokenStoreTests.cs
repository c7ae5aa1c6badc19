using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace McpOAuth.Client.Tests.Redis;

/// <summary><see cref="RedisTokenStore"/> against a real redis-server (issue 11): records round-trip through the one versioned
/// format, partitions and key prefixes isolate, and Data Protection leaves no token readable in Redis.</summary>
public sealed partial class RedisTokenStoreTests : IClassFixture<RedisFixture>
{
    /// <summary>The credential most tests store: alice's, on the one test server.</summary>
    private static readonly TokenStoreKey Alice = RedisTestTokens.Key("alice");

    private readonly RedisFixture _redis;

    public RedisTokenStoreTests(RedisFixture redis) => _redis = redis;

    [Fact]
    public async Task SetAsync_ThenGetAsyncFromAnotherStore_RoundTripsEveryField()
    {
        string prefix = RedisFixture.NewPrefix();
        TokenSet tokens = RedisTestTokens.Create(Alice);
        await using var writer = Store(prefix);
        await using var reader = Store(prefix);

        await writer.SetAsync(Alice, tokens);

        TokenSet? read = await reader.GetAsync(Alice);
        using (new AssertionScope())
        {
            read.Should().BeEquivalentTo(tokens);
            (await reader.ListAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(tokens);
            (await reader.GetAsync(Alice with { ClientId = "client-2" })).Should().BeNull();
        }
    }

    [Fact]
    public async Task RemoveAsync_StoredCredential_IsGoneFromGetAndLists()
    {
        string prefix = RedisFixture.NewPrefix();
        await using var store = Store(prefix);
        await store.SetAsync(Alice, RedisTestTokens.Create(Alice));

        await store.RemoveAsync(Alice);

        using (new AssertionScope())
        {
            (await store.GetAsync(Alice)).Should().BeNull();
            (await store.ListAsync()).Should().BeEmpty();
            (await store.ListPartitionAsync("alice")).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task ListPartitionAsync_TwoUsers_EachSeesOnlyTheirOwnCredentials()
    {
        // Issue 11 item 2: alice's token never reaches bob; one user's listing reads no one else's records.
        string prefix = RedisFixture.NewPrefix();
        TokenStoreKey bob = RedisTestTokens.Key("bob");
        TokenStoreKey single = RedisTestTokens.Key();
        await using var store = Store(prefix);
        await store.SetAsync(Alice, RedisTestTokens.Create(Alice));
        await store.SetAsync(bob, RedisTestTokens.Create(bob));
        await store.SetAsync(single, RedisTestTokens.Create(single));

        IReadOnlyList<TokenSet> ofAlice = await store.ListPartitionAsync("alice");
        IReadOnlyList<TokenSet> ofBob = await store.ListPartitionAsync("bob");
        IReadOnlyList<TokenSet> ofDefault = await store.ListPartitionAsync(TokenSet.DefaultPartition);

        using (new AssertionScope())
        {
            ofAlice.Should().ContainSingle().Which.AccessToken.Should().Be("fake-access-alice-1");
            ofBob.Should().ContainSingle().Which.AccessToken.Should().Be("fake-access-bob-1");
            ofDefault.Should().ContainSingle().Which.Partition.Should().BeEmpty();
            (await store.GetAsync(Alice)).Should().NotBeNull().And.BeEquivalentTo(RedisTestTokens.Create(Alice));
            (await store.ListAsync()).Select(t => t.Partition).Should().BeEquivalentTo(["alice", "bob", string.Empty]);
            (await store.ListPartitionAsync("carol")).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task KeyPrefix_TwoApplications_ShareRedisWithoutSeeingEachOther()
    {
        string first = RedisFixture.NewPrefix();
        string second = RedisFixture.NewPrefix();
        await using var one = Store(first);
        await using var two = Store(second);

        await one.SetAsync(Alice, RedisTestTokens.Create(Alice, generation: 1));
        await two.SetAsync(Alice, RedisTestTokens.Create(Alice, generation: 2));

        Dictionary<string, HashEntry[]> raw = await _redis.RawRecordsAsync(first);
        using (new AssertionScope())
        {
            (await one.GetAsync(Alice))!.AccessToken.Should().Be("fake-access-alice-1");
            (await two.GetAsync(Alice))!.AccessToken.Should().Be("fake-access-alice-2");
            (await one.ListAsync()).Should().ContainSingle();

            // Every key lives under its prefix, and none names the user, the URL or the client (only hashes).
            raw.Keys.Should().NotBeEmpty().And.OnlyContain(k => k.StartsWith(first, StringComparison.Ordinal));
            raw.Keys.Should().NotContain(k => k.Contains("alice", StringComparison.Ordinal) || k.Contains("example", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SetAsync_WithDataProtection_RedisHoldsNoTokenAndAnotherInstanceWithTheKeyRingReadsIt()
    {
        // The documented set-up: the Data Protection key ring in the same Redis, so every instance decrypts every record.
        string prefix = RedisFixture.NewPrefix();
        TokenSet tokens = RedisTestTokens.Create(Alice);
        await using ServiceProvider first = DataProtectionServices(prefix);
        await using ServiceProvider second = DataProtectionServices(prefix);
        var logger = new CapturingLogger<RedisTokenStore>();
        await using var writer = Store(prefix, protector: Protector(first));
        await using var reader = Store(prefix, protector: Protector(second));
        await using var withoutKeys = Store(prefix, logger: logger);

        await writer.SetAsync(Alice, tokens);

        string stored = string.Join('\n', (await _redis.RawRecordsAsync(prefix + "{"))
            .SelectMany(r => r.Value).Select(e => Encoding.UTF8.GetString((byte[])e.Value!)));
        using (new AssertionScope())
        {
            writer.IsProtected.Should().BeTrue();
            stored.Should().NotBeEmpty();
            foreach (string secret in new[] { tokens.AccessToken, tokens.RefreshToken!, tokens.DpopKey!, tokens.Registration!.ClientSecret!, "fake-" })
            {
                stored.Should().NotContain(secret, "the record is Data Protection ciphertext");
            }

            (await reader.GetAsync(Alice)).Should().BeEquivalentTo(tokens);
            (await withoutKeys.GetAsync(Alice)).Should().BeNull("a record that cannot be read is treated as absent");
            logger.Entries.Should().ContainSingle(e => e.EventId.Id == 450);
            logger.AllText.Should().NotContain("fake-");
        }
    }

    private ServiceProvider DataProtectionServices(string prefix)
    {
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName("mcp-oauth-redis-tests")
            .PersistKeysToStackExchangeRedis(_redis.Connection, prefix + "dataprotection-keys");
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(McpOAuthRedisBuilderExtensions.DataProtectionPurpose);
}
