using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using McpOAuth.Client;
using McpOAuth.Client.Tests.Redis;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

// Usage:
//   lock <redis> <prefix> <lease-seconds>          takes RedisWorkerProtocol.LockKey's refresh lock, prints "locked", and holds it
//                                                   until the first stdin line (the tests kill it instead).
//   provider <redis> <prefix> <mcp-url> <unix-ms>  one McpOAuthProvider over a RedisTokenStore, its clock a FakeTimeProvider that
//                                                   starts at unix-ms; prints "ready", then for each "call S ID" line advances the
//                                                   clock by S seconds, sends one MCP request and prints "done STATUS REFRESHES".
// Every line is flushed at once.
if (args.Length < 4)
{
    await Console.Error.WriteLineAsync("usage: lock <redis> <prefix> <lease-seconds> | provider <redis> <prefix> <mcp-url> <unix-ms>");
    return 2;
}

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(args[1]);
switch (args[0])
{
    case "lock":
        await using (var store = new RedisTokenStore(redis, new RedisTokenStoreOptions
        {
            KeyPrefix = args[2],
            LockLease = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture)),
        }))
        {
            IAsyncDisposable held = await store.LockAsync(RedisWorkerProtocol.LockKey);
            await stdout.WriteLineAsync(RedisWorkerProtocol.Locked);
            await Console.In.ReadLineAsync();
            await held.DisposeAsync();
            return 0;
        }

    case "provider" when args.Length == 5:
        return await RunProviderAsync(redis, args[2], new Uri(args[3]), long.Parse(args[4], CultureInfo.InvariantCulture), stdout);

    default:
        await Console.Error.WriteLineAsync($"unknown mode '{args[0]}'");
        return 2;
}

static async Task<int> RunProviderAsync(IConnectionMultiplexer redis, string prefix, Uri mcp, long unixMs, StreamWriter stdout)
{
    var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
    await using var store = new RedisTokenStore(redis, new RedisTokenStoreOptions { KeyPrefix = prefix });
    using var backchannel = new RefreshCounter();
    var options = new McpOAuthOptions
    {
        ServerUri = mcp,
        LaunchBrowser = (_, _) => throw new InvalidOperationException("The worker never signs in: the credential comes from Redis."),
    };
    IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, backchannel, time);
    using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
    await stdout.WriteLineAsync(RedisWorkerProtocol.Ready);
    while (await Console.In.ReadLineAsync() is { } line)
    {
        if (RedisWorkerProtocol.ParseCall(line) is not { } call)
        {
            break;
        }

        time.Advance(TimeSpan.FromSeconds(call.AdvanceSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, mcp)
        {
            Content = new StringContent(
                string.Create(CultureInfo.InvariantCulture, $"{{\"jsonrpc\":\"2.0\",\"id\":{call.Id},\"method\":\"tools/list\"}}"),
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        int status;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request);
            status = (int)response.StatusCode;
        }
        catch (McpOAuthException ex)
        {
            await Console.Error.WriteLineAsync($"request {call.Id} failed: {ex.Code}: {ex.Message}");
            status = 0;
        }

        await stdout.WriteLineAsync(RedisWorkerProtocol.Done(status, backchannel.Refreshes));
    }

    (provider as IDisposable)?.Dispose();
    return 0;
}

/// <summary>The worker's backchannel: counts the refresh-token grants it sends to the token endpoint.</summary>
internal sealed class RefreshCounter() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
{
    private int _refreshes;

    public int Refreshes => Volatile.Read(ref _refreshes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is FormUrlEncodedContent form
            && (await form.ReadAsStringAsync(cancellationToken)).Contains("grant_type=refresh_token", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refreshes);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
