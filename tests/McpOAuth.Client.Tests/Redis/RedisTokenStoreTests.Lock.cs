using McpOAuth.Client.Tests.RealServer;
using Microsoft.AspNetCore.DataProtection;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>The refresh lock and compare-and-set (REF-04, REF-05, STORE-11 for Redis): one holder at a time, a lease that a dead
/// holder frees and a live one keeps, and writes under a lease that ran out never replacing newer tokens.</summary>
public sealed partial class RedisTokenStoreTests
{
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task LockAsync_AnotherHolder_WaitsAndTimesOutThenAcquiresAfterRelease()
    {
        string prefix = RedisFixture.NewPrefix();
        await using var first = Store(prefix);
        await using var second = Store(prefix, lockTimeout: TimeSpan.FromMilliseconds(200));

        IAsyncDisposable held = await first.LockAsync(Alice);
        Func<Task> whileHeld = async () => await second.LockAsync(Alice);
        Func<Task> otherCredential = async () => await (await second.LockAsync(RedisTestTokens.Key("bob"))).DisposeAsync();

        (await whileHeld.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
        await otherCredential.Should().NotThrowAsync("locks are per credential");
        await held.DisposeAsync();
        await using IAsyncDisposable after = await second.LockAsync(Alice);
    }

    [Fact]
    public async Task SetAsync_HolderWhoseLeaseRanOut_NeverOverwritesOrRemovesNewerTokens()
    {
        // REF-05: holder A stalls past its lease (its clock is frozen, so it never renews); B takes the lock, reads the same
        // record and writes generation 2. A's late write and removal are compare-and-set on the version A read: no-ops. (A read
        // under the lease moves the expected version on: the holder then decides on what it has seen.)
        string prefix = RedisFixture.NewPrefix();
        var logger = new CapturingLogger<RedisTokenStore>();
        await using var stalled = Store(prefix, logger: logger, lease: ShortLease, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var next = Store(prefix, lease: ShortLease, lockTimeout: TestTimeouts.Default);
        await stalled.SetAsync(Alice, RedisTestTokens.Create(Alice, 1));

        IAsyncDisposable stalledLock = await stalled.LockAsync(Alice);
        (await stalled.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-1");
        await using (await next.LockAsync(Alice))
        {
            (await next.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-1");
            await next.SetAsync(Alice, RedisTestTokens.Create(Alice, 2));
        }

        await stalled.SetAsync(Alice, RedisTestTokens.Create(Alice, 3));
        await stalled.RemoveAsync(Alice);
        TokenSet? seenByStalled = await stalled.GetAsync(Alice);
        await stalledLock.DisposeAsync();

        await using var fresh = Store(prefix);
        using (new AssertionScope())
        {
            seenByStalled!.RefreshToken.Should().Be("fake-refresh-alice-2", "a read after a refused write returns the record that won");
            (await fresh.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-2");
            logger.Entries.Where(e => e.EventId.Id == 451).Should().HaveCount(2, "the write and the removal were both refused");
            logger.AllText.Should().NotContain("fake-");
        }
    }

    [Fact]
    public async Task SetAsync_UnderItsLease_WritesEachTimeAndWritesOutsideTheLockAlwaysApply()
    {
        string prefix = RedisFixture.NewPrefix();
        var logger = new CapturingLogger<RedisTokenStore>();
        await using var holder = Store(prefix, logger: logger);
        await using var signIn = Store(prefix);
        await holder.SetAsync(Alice, RedisTestTokens.Create(Alice, 1));

        await using (await holder.LockAsync(Alice))
        {
            (await holder.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-1");
            await holder.SetAsync(Alice, RedisTestTokens.Create(Alice, 2));
            await holder.SetAsync(Alice, RedisTestTokens.Create(Alice, 3));
            (await holder.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-3", "a holder's own writes move its expected version on");

            // A new sign-in elsewhere does not hold the lock: it always applies, and then wins over the holder.
            await signIn.SetAsync(Alice, RedisTestTokens.Create(Alice, 10));
            await holder.SetAsync(Alice, RedisTestTokens.Create(Alice, 4));
        }

        using (new AssertionScope())
        {
            (await signIn.GetAsync(Alice))!.RefreshToken.Should().Be("fake-refresh-alice-10");
            logger.Entries.Should().ContainSingle(e => e.EventId.Id == 451);
        }
    }

    [Fact]
    public async Task LockAsync_HolderOutlivesItsLease_RenewalKeepsOthersOut()
    {
        string prefix = RedisFixture.NewPrefix();
        // A 3 s lease renewed every second leaves 2 s of slack for a loaded machine's timer; the contender waits two leases.
        await using var holder = Store(prefix, lease: ShortLease * 3);
        await using var other = Store(prefix, lockTimeout: ShortLease * 6);

        await using (await holder.LockAsync(Alice))
        {
            Func<Task> take = async () => await other.LockAsync(Alice);

            (await take.Should().ThrowAsync<McpOAuthException>("the holder renews its 3 s lease while it holds it"))
                .Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
        }
    }

    [Fact]
    public async Task LockAsync_HolderProcessKilled_LeaseFreesTheLock()
    {
        // STORE-11 for Redis: a killed holder cannot release; its lease (2 s) frees the lock, and the next holder gets it.
        string prefix = RedisFixture.NewPrefix();
        TokenStoreKey key = RedisWorkerProtocol.LockKey;
        await using var probe = Store(prefix, lockTimeout: TimeSpan.FromMilliseconds(200));
        await using var next = Store(prefix, lockTimeout: TestTimeouts.Default);
        await using ChildProcess holder = ChildProcess.StartRedisWorker("lock", _redis.Configuration, prefix, "2");
        (await holder.ReadStandardOutputLineAsync()).Should().Be(RedisWorkerProtocol.Locked, holder.Describe());
        Func<Task> whileAlive = async () => await probe.LockAsync(key);
        (await whileAlive.Should().ThrowAsync<McpOAuthException>(holder.Describe())).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);

        await holder.KillAsync();
        await using IAsyncDisposable taken = await next.LockAsync(key);

        taken.Should().NotBeNull();
    }

    private RedisTokenStore Store(
        string prefix,
        CapturingLogger<RedisTokenStore>? logger = null,
        IDataProtector? protector = null,
        TimeSpan? lease = null,
        TimeSpan? lockTimeout = null,
        TimeProvider? time = null) =>
        new(
            _redis.Connection,
            new RedisTokenStoreOptions
            {
                KeyPrefix = prefix,
                LockLease = lease ?? TimeSpan.FromSeconds(30),
                LockTimeout = lockTimeout ?? TimeSpan.FromMinutes(1),
            },
            protector,
            logger,
            time);
}
