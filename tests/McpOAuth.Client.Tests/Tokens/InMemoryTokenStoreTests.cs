
namespace McpOAuth.Client.Tests.Tokens;

public sealed class InMemoryTokenStoreTests
{
    private static readonly TokenStoreKey Key = new("https://mcp.example.com/mcp", "https://auth.example.com", "client-1");

    [Fact]
    public async Task SetAsync_ThenGetAsync_SameTokensOnlyUnderThatKey()
    {
        // STORE-10
        var store = new InMemoryTokenStore();
        TokenSet tokens = Tokens(Key);

        await store.SetAsync(Key, tokens);

        (await store.GetAsync(Key)).Should().BeSameAs(tokens);
        (await store.GetAsync(Key with { Issuer = "https://other.example.com" })).Should().BeNull();
        (await store.GetAsync(Key with { Resource = "https://mcp.example.com/other" })).Should().BeNull();
    }

    [Fact]
    public async Task RemoveAsync_Stored_GoneFromGetAndList()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Key, Tokens(Key));

        await store.RemoveAsync(Key);

        (await store.GetAsync(Key)).Should().BeNull();
        (await store.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task LockAsync_SameKey_SecondWaitsForTheFirst()
    {
        var store = new InMemoryTokenStore();
        IAsyncDisposable first = await store.LockAsync(Key);

        Task<IAsyncDisposable> second = store.LockAsync(Key).AsTask();
        bool before = second.IsCompleted;
        await first.DisposeAsync();

        before.Should().BeFalse();
        await (await second.WaitAsync(TestDoubles.TestTimeouts.Default)).DisposeAsync();
    }

    [Fact]
    public async Task SetAsync_NullTokens_ThrowsArgumentNull()
    {
        Func<Task> act = async () => await new InMemoryTokenStore().SetAsync(Key, null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    private static TokenSet Tokens(TokenStoreKey key) => TokenSets.For(key, "at");

    [Fact]
    public async Task GetProtectionAsync_AnyCredential_Memory()
    {
        var store = new InMemoryTokenStore();

        (await store.GetProtectionAsync(new TokenStoreKey("r", "i", "c"))).Should().Be(TokenProtection.Memory);
    }
}
