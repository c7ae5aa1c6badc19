using System.Globalization;
using System.Net;
using McpOAuth.Client.Tests.OidcProvider;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>Several instances of one application (separate <see cref="McpOAuthProviderFactory"/> providers, and separate
/// processes) sharing one <see cref="RedisTokenStore"/>, against the real oidc-provider with rotating refresh tokens and reuse
/// detection (issue 11, REF-01, REF-02, REF-04): on one expired credential exactly one refresh reaches the server per expiry,
/// every request succeeds, and the grant survives, for 100 rounds.</summary>
/// <remarks>The instances' clocks are <see cref="FakeTimeProvider"/>s advanced together past the access token's lifetime, so a
/// round needs no waiting; the tokens are real and the MCP server checks them on the real clock.</remarks>
public sealed class RedisProviderRealServerTests : IClassFixture<OidcRealServerFixture>, IClassFixture<RedisFixture>
{
    private const int Rounds = 100;
    private const int RequestsPerInstance = 3;
    private static readonly int PastExpirySeconds = OidcRealServerFixture.AccessTokenTtlSeconds + 1;

    private readonly OidcRealServerFixture _servers;
    private readonly RedisFixture _redis;

    public RedisProviderRealServerTests(OidcRealServerFixture servers, RedisFixture redis)
    {
        _servers = servers;
        _redis = redis;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task SendAsync_InstancesShareOneExpiredCredential_OneRefreshPerExpiryAllSucceedGrantSurvives(int instanceCount)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new RedisTokenStore(_redis.Connection, new RedisTokenStoreOptions { KeyPrefix = RedisFixture.NewPrefix() });
        using OidcBrowser browser = _servers.Oidc.CreateBrowser();
        RedisProviderInstance[] instances = [.. Enumerable.Range(0, instanceCount)
            .Select(i => new RedisProviderInstance(_servers, store, time, i == 0 ? browser : null))];
        try
        {
            (await instances[0].CallAsync(_servers.Mcp.McpUri, 0)).Should().Be(200, _servers.Oidc.Log);
            int id = 1;
            for (int round = 1; round <= Rounds; round++)
            {
                time.Advance(TimeSpan.FromSeconds(PastExpirySeconds));
                int[] statuses = await Task.WhenAll(instances.SelectMany(instance =>
                    Enumerable.Range(0, RequestsPerInstance).Select(_ => Task.Run(() => instance.CallAsync(_servers.Mcp.McpUri, Interlocked.Increment(ref id))))));

                string context = Describe(round, instances);
                using (new AssertionScope(context))
                {
                    statuses.Should().OnlyContain(s => s == 200);
                    instances.Sum(i => i.Backchannel.RefreshCalls.Count).Should().Be(round, "exactly one refresh per expiry reaches the server");
                }
            }

            TokenSet stored = (await store.ListAsync()).Should().ContainSingle().Which;
            using (new AssertionScope(Describe(Rounds, instances)))
            {
                instances.SelectMany(i => i.Backchannel.TokenCalls).Should()
                    .OnlyContain(c => c.Status == HttpStatusCode.OK, "no refresh token was ever presented twice (no reuse detection, no invalid_grant)");
                _servers.ValidateForResource(stored.AccessToken, _servers.Mcp.Resource).Should().NotBeNull();
                (await _servers.RawRefreshAsync(stored)).Status.Should().Be(HttpStatusCode.OK, "the grant survived 100 rotations");
            }
        }
        finally
        {
            foreach (RedisProviderInstance instance in instances)
            {
                instance.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SendAsync_InstancesInSeparateProcesses_OneRefreshPerExpiryAllSucceedGrantSurvives(int workerCount)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string prefix = RedisFixture.NewPrefix();
        await using var store = new RedisTokenStore(_redis.Connection, new RedisTokenStoreOptions { KeyPrefix = prefix });
        using OidcBrowser browser = _servers.Oidc.CreateBrowser();
        using var local = new RedisProviderInstance(_servers, store, time, browser);
        (await local.CallAsync(_servers.Mcp.McpUri, 0)).Should().Be(200, _servers.Oidc.Log);
        string start = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var workers = new List<ChildProcess>();
        try
        {
            for (int w = 0; w < workerCount; w++)
            {
                ChildProcess worker = ChildProcess.StartRedisWorker("provider", _redis.Configuration, prefix, _servers.Mcp.McpUri.AbsoluteUri, start);
                workers.Add(worker);
                (await worker.ReadStandardOutputLineAsync()).Should().Be(RedisWorkerProtocol.Ready, worker.Describe());
            }

            int[] workerRefreshes = new int[workerCount];
            for (int round = 1; round <= Rounds; round++)
            {
                time.Advance(TimeSpan.FromSeconds(PastExpirySeconds));
                Task<int> own = local.CallAsync(_servers.Mcp.McpUri, round);
                (int Status, int Refreshes)[] remote = await Task.WhenAll(workers.Select(async worker =>
                {
                    await worker.WriteLineAsync(RedisWorkerProtocol.Call(PastExpirySeconds, round));
                    return RedisWorkerProtocol.ParseDone(await worker.ReadStandardOutputLineAsync())
                        ?? throw new InvalidOperationException(worker.Describe());
                }));
                int ownStatus = await own;
                workerRefreshes = [.. remote.Select(r => r.Refreshes)];

                string context = $"round {round}: local refreshes {local.Backchannel.RefreshCalls.Count}, workers [{string.Join(", ", workerRefreshes)}]\n" +
                    string.Join('\n', workers.Select(w => w.Describe())) + "\noidc-provider:\n" + _servers.Oidc.Log;
                using (new AssertionScope(context))
                {
                    ownStatus.Should().Be(200);
                    remote.Should().OnlyContain(r => r.Status == 200);
                    (local.Backchannel.RefreshCalls.Count + workerRefreshes.Sum()).Should().Be(round, "exactly one refresh per expiry reaches the server");
                }
            }

            TokenSet stored = (await store.ListAsync()).Should().ContainSingle().Which;
            using (new AssertionScope())
            {
                local.Backchannel.TokenCalls.Should().OnlyContain(c => c.Status == HttpStatusCode.OK);
                (await _servers.RawRefreshAsync(stored)).Status.Should().Be(HttpStatusCode.OK, "the grant survived 100 rotations");
            }
        }
        finally
        {
            foreach (ChildProcess worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private string Describe(int round, RedisProviderInstance[] instances) =>
        $"round {round}: refreshes per instance [{string.Join(", ", instances.Select(i => i.Backchannel.RefreshCalls.Count))}], " +
        $"token calls [{string.Join(", ", instances.SelectMany(i => i.Backchannel.TokenCalls).Select(c => $"{c.GrantType} -> {(int)c.Status}"))}]\n" +
        $"oidc-provider:\n{_servers.Oidc.Log}";
}
