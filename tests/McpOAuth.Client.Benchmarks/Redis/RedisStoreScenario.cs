using System.Globalization;
using McpOAuth.Client.Tests.Redis;
using StackExchange.Redis;

namespace McpOAuth.Client.Benchmarks.Redis;

/// <summary>The Redis store benchmarks (issue 11): steady-state cost and Redis commands per request against the memory
/// store, an expiry burst of 1,000 requests across 4 instances, and the latency a renewal through Redis adds. Runs its own
/// redis-server (tests/redis/install.sh installs it).</summary>
internal static class RedisStoreScenario
{
    /// <summary>Commands the measurement or the client library sends on their own: not the store's.</summary>
    private static readonly HashSet<string> Overhead = new(StringComparer.OrdinalIgnoreCase) { "info", "ping", "echo", "client", "config", "cluster", "subscribe", "hello", "select" };

    public static async Task<RedisStoreResult> RunAsync(bool full)
    {
        int steadyRequests = full ? 200_000 : 2_000;
        int rounds = full ? 5 : 1;
        int bursts = full ? 20 : 3;
        int renewals = full ? 200 : 10;
        await using RedisServer server = await RedisServer.StartAsync();
        await using ConnectionMultiplexer connection = await server.ConnectAsync();
        var result = new RedisStoreResult { SteadyRequests = steadyRequests * rounds };

        using (SharedStoreRig memory = await SharedStoreRig.CreateAsync(new InMemoryTokenStore(), 1))
        await using (var store = new RedisTokenStore(connection, new RedisTokenStoreOptions { KeyPrefix = "bench-steady:" }))
        using (SharedStoreRig redis = await SharedStoreRig.CreateAsync(store, 1))
        {
            await memory.SequentialNanosecondsPerRequestAsync(steadyRequests / 10); // warm-up
            await redis.SequentialNanosecondsPerRequestAsync(steadyRequests / 10);
            long before = await StoreCommandsAsync(server, connection);
            var memoryTimes = new List<double>();
            var redisTimes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                memoryTimes.Add(await memory.SequentialNanosecondsPerRequestAsync(steadyRequests));
                redisTimes.Add(await redis.SequentialNanosecondsPerRequestAsync(steadyRequests));
            }

            result.SteadyRedisCommands = await StoreCommandsAsync(server, connection) - before;
            result.SteadyMemoryNanoseconds = Median(memoryTimes);
            result.SteadyRedisNanoseconds = Median(redisTimes);
        }

        await using (var store = new RedisTokenStore(connection, new RedisTokenStoreOptions { KeyPrefix = "bench-burst:" }))
        using (SharedStoreRig rig = await SharedStoreRig.CreateAsync(store, 4))
        {
            for (int i = 0; i < bursts; i++)
            {
                rig.ExpireToken();
                result.Bursts.Add(await rig.BurstAsync(1000));
            }
        }

        using (SharedStoreRig memory = await SharedStoreRig.CreateAsync(new InMemoryTokenStore(), 1))
        await using (var store = new RedisTokenStore(connection, new RedisTokenStoreOptions { KeyPrefix = "bench-renewal:" }))
        using (SharedStoreRig redis = await SharedStoreRig.CreateAsync(store, 1))
        {
            var memoryTimes = new List<double>();
            var redisTimes = new List<double>();
            long before = await StoreCommandsAsync(server, connection);
            for (int i = 0; i < renewals; i++)
            {
                memoryTimes.Add(await memory.RenewalMillisecondsAsync());
                redisTimes.Add(await redis.RenewalMillisecondsAsync());
            }

            result.RedisCommandsPerRenewal = (double)(await StoreCommandsAsync(server, connection) - before) / renewals;
            result.RenewalMemoryMilliseconds = Median(memoryTimes);
            result.RenewalRedisMilliseconds = Median(redisTimes);
            result.Renewals = renewals;
        }

        return result;
    }

    private static async Task<long> StoreCommandsAsync(RedisServer server, IConnectionMultiplexer connection) =>
        (await server.CommandCallsAsync(connection)).Where(c => !Overhead.Contains(c.Key.Split('|')[0])).Sum(c => c.Value);

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}

/// <summary>What the Redis store benchmarks measured.</summary>
internal sealed class RedisStoreResult
{
    public int SteadyRequests { get; set; }

    public long SteadyRedisCommands { get; set; }

    public double SteadyMemoryNanoseconds { get; set; }

    public double SteadyRedisNanoseconds { get; set; }

    public List<BurstOutcome> Bursts { get; } = [];

    public int Renewals { get; set; }

    public double RenewalMemoryMilliseconds { get; set; }

    public double RenewalRedisMilliseconds { get; set; }

    public double RedisCommandsPerRenewal { get; set; }

    public bool SteadyStateIsCorrect => SteadyRedisCommands == 0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"""
        | Measure | Memory store | Redis store |
        |---|---|---|
        | Steady state, time per request (median of rounds) | {SteadyMemoryNanoseconds:F0} ns | {SteadyRedisNanoseconds:F0} ns |
        | Steady state, Redis commands over {SteadyRequests:N0} requests | n/a | {SteadyRedisCommands} |
        | Renewal, one request that refreshes (median of {Renewals}) | {RenewalMemoryMilliseconds:F3} ms | {RenewalRedisMilliseconds:F3} ms |
        | Redis commands per renewal | n/a | {RedisCommandsPerRenewal:F1} |
        | Expiry bursts of 1,000 requests across 4 instances | | {Bursts.Count} bursts: token requests per burst {string.Join(", ", Bursts.Select(b => b.TokenRequests).Distinct())}; {Bursts.Sum(b => b.Failed)} failed; median {Bursts.Select(b => b.ElapsedMilliseconds).Order().ElementAt(Bursts.Count / 2):F1} ms |
        """);
}
