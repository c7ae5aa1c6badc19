using StackExchange.Redis;

namespace McpOAuth.Client.Tests.Redis;

/// <summary>One real redis-server for the tests of a class, and one connection to it; each test isolates itself with its own
/// key prefix (<see cref="NewPrefix"/>).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Not started.");

    public string Configuration => Server.Configuration;

    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Every key under a prefix, with its raw hash fields, as an operator with <c>redis-cli</c> would see them.</summary>
    public async Task<Dictionary<string, HashEntry[]>> RawRecordsAsync(string prefix)
    {
        IServer server = Connection.GetServer(Connection.GetEndPoints()[0]);
        IDatabase db = Connection.GetDatabase();
        var records = new Dictionary<string, HashEntry[]>(StringComparer.Ordinal);
        await foreach (RedisKey key in server.KeysAsync(pattern: prefix + "*"))
        {
            records[key.ToString()] = await db.KeyTypeAsync(key) == RedisType.Hash ? await db.HashGetAllAsync(key) : [];
        }

        return records;
    }
}
