using System.Security.Cryptography;
using System.Text;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, items 3 and 6: the distributed pending store on a real redis-server. A pending sign-in is encrypted with
/// Data Protection, expires with its lifetime (a Redis expiry), and is taken at most once, however many instances race.</summary>
public sealed class RedisPendingAuthorizationStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private readonly IDataProtectionProvider _keyRing = new EphemeralDataProtectionProvider();

    [Fact]
    public async Task TakeAsync_AfterSave_ReturnsItOnceThenNothing()
    {
        var store = new RedisPendingAuthorizationStore(redis.Connection, _keyRing, Options());
        PendingAuthorization pending = Pending(DateTimeOffset.UtcNow.AddMinutes(10));
        await store.SaveAsync("state-1", pending, TimeSpan.FromMinutes(10));

        PendingAuthorization? first = await store.TakeAsync("state-1");
        PendingAuthorization? replay = await store.TakeAsync("state-1");

        first.Should().BeEquivalentTo(pending);
        replay.Should().BeNull("a sign-in is completed at most once");
    }

    [Fact]
    public async Task TakeAsync_ManyInstancesAtOnce_ExactlyOneGetsIt()
    {
        RedisTokenStoreOptions options = Options();
        RedisPendingAuthorizationStore[] instances = [.. Enumerable.Range(0, 8).Select(_ => new RedisPendingAuthorizationStore(redis.Connection, _keyRing, options))];
        await instances[0].SaveAsync("state-race", Pending(DateTimeOffset.UtcNow.AddMinutes(10)), TimeSpan.FromMinutes(10));

        PendingAuthorization?[] taken = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => instances[i % 8].TakeAsync("state-race").AsTask()));

        taken.Count(t => t is not null).Should().Be(1);
    }

    [Fact]
    public async Task SaveAsync_StoresCiphertextUnderAHashedKeyWithTheLifetimeAsExpiry()
    {
        RedisTokenStoreOptions options = Options();
        var store = new RedisPendingAuthorizationStore(redis.Connection, _keyRing, options);
        await store.SaveAsync("STATE-SECRET-1", Pending(DateTimeOffset.UtcNow.AddMinutes(10)), TimeSpan.FromMinutes(10));

        RedisKey key = options.KeyPrefix + "pending:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("STATE-SECRET-1")));
        byte[]? raw = await redis.Connection.GetDatabase().StringGetAsync(key);
        TimeSpan? ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(key);

        string text = Encoding.UTF8.GetString(raw!);
        using (new AssertionScope())
        {
            raw.Should().NotBeNull("the key is the prefix, 'pending:' and the state's SHA-256");
            text.Should().NotContain("VERIFIER-SECRET-1").And.NotContain("DYN-SECRET-1").And.NotContain("alice");
            ttl.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(10));
        }
    }

    [Fact]
    public async Task TakeAsync_AnotherKeyRing_TreatedAsUnknown()
    {
        RedisTokenStoreOptions options = Options();
        await new RedisPendingAuthorizationStore(redis.Connection, _keyRing, options)
            .SaveAsync("state-2", Pending(DateTimeOffset.UtcNow.AddMinutes(10)), TimeSpan.FromMinutes(10));
        var otherRing = new RedisPendingAuthorizationStore(redis.Connection, new EphemeralDataProtectionProvider(), options);

        PendingAuthorization? taken = await otherRing.TakeAsync("state-2");

        taken.Should().BeNull();
    }

    [Fact]
    public async Task TakeAsync_PastItsExpiryOnTheClock_ReturnsNothing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new RedisPendingAuthorizationStore(redis.Connection, _keyRing, Options(), timeProvider: time);
        await store.SaveAsync("state-3", Pending(time.GetUtcNow().AddMinutes(10)), TimeSpan.FromMinutes(10));
        time.Advance(TimeSpan.FromMinutes(10));

        PendingAuthorization? taken = await store.TakeAsync("state-3");

        taken.Should().BeNull();
    }

    [Fact]
    public async Task TakeAsync_RedisUnreachable_ThrowsStoreUnavailable()
    {
        // STORE-08 for the pending store: a typed error, never "no such sign-in".
        ConfigurationOptions configuration = ConfigurationOptions.Parse("127.0.0.1:1,abortConnect=false,connectTimeout=200");
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        await using ConnectionMultiplexer nowhere = await ConnectionMultiplexer.ConnectAsync(configuration);
        var store = new RedisPendingAuthorizationStore(nowhere, _keyRing, Options());

        Func<Task> act = async () => await store.TakeAsync("state-4");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
    }

    private static RedisTokenStoreOptions Options() => new() { KeyPrefix = RedisFixture.NewPrefix() };

    private static PendingAuthorization Pending(DateTimeOffset expiresAt) => new()
    {
        Partition = "alice",
        Issuer = "https://auth.example.com",
        Resource = "https://mcp.example.com/mcp",
        ResourceUri = new Uri("https://mcp.example.com/mcp"),
        RedirectUri = new Uri("https://app.example.com/oauth/callback"),
        CodeVerifier = "VERIFIER-SECRET-1",
        Client = new ClientRegistration { ClientId = "c", ClientSecret = "DYN-SECRET-1", TokenEndpointAuthMethod = "client_secret_basic", Issuer = "https://auth.example.com", Kind = ClientRegistrationKind.Dynamic },
        Scopes = ["mcp:read"],
        ReturnUrl = "/tools",
        ExpiresAt = expiresAt,
    };
}
