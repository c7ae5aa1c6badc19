using System.Net;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>STORE-08 (issue 10 item 0): a store that cannot be written does not fail the request holding fresh tokens; the
/// failure is typed and logged, and the write is retried.</summary>
public sealed class StoreFailureTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_StoreWriteFailsAfterSignIn_RequestSucceedsAndTheWriteIsRetriedOnTheNextRenewal()
    {
        // STORE-08: keeps working from memory, reports the failure typed and without secrets, retries the write on the next change
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o => o.AccessTokenLifetime = TimeSpan.FromMinutes(10));
        var store = new FlakyTokenStore { Failing = true };
        using var logs = new TestDoubles.CapturingLoggerProvider();
        using ILoggerFactory factory = logs.CreateFactory();
        using var client = McpClientHarness.Create(timeProvider: time, loggerFactory: factory, tokenStore: store);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");
        int storedWhileFailing = (await store.ListAsync()).Count;
        store.Failing = false;
        time.Advance(TimeSpan.FromMinutes(11));
        string? renewed = await client.Provider.GetAccessTokenAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK, "the fresh tokens serve from memory");
            storedWhileFailing.Should().Be(0);
            logs.Entries.Should().Contain(e => e.EventId.Id == 406 && e.Message.Contains("StoreUnavailable", StringComparison.Ordinal));
            renewed.Should().NotBeNull("the refresh token was kept in memory and used");
            (await store.ListAsync()).Should().ContainSingle().Which.AccessToken.Should().Be(renewed);
            logs.AllText.Should().NotContain(renewed!);
        }
    }

    [Fact]
    public async Task SignInAsync_StoreCannotBeWritten_TypedErrorButTheTokensStillServe()
    {
        // STORE-08: an explicit sign-in reports the unsaved login (StoreUnavailable); its tokens still serve
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var store = new FlakyTokenStore { Failing = true };
        using var client = McpClientHarness.Create(tokenStore: store);

        Func<Task> act = () => client.Provider.SignInAsync(mcpServer.McpUri);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
            ex.Message.Should().Contain("could not be stored");
            (await client.Provider.GetAccessTokenAsync(mcpServer.McpUri)).Should().NotBeNull();
        }
    }

    /// <summary>An in-memory store whose writes fail like a full or read-only disk while <see cref="Failing"/> is set.</summary>
    private sealed class FlakyTokenStore : ITokenStore
    {
        private readonly InMemoryTokenStore _inner = new();

        public bool Failing { get; set; }

        public ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default) =>
            Failing ? ValueTask.FromException(new IOException("No space left on device (fake).")) : _inner.SetAsync(key, tokens, cancellationToken);

        public ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => _inner.RemoveAsync(key, cancellationToken);

        public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => _inner.LockAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default) => _inner.ListAsync(cancellationToken);
    }
}
