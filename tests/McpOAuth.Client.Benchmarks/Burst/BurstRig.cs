using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace McpOAuth.Client.Benchmarks.Burst;

/// <summary>
/// Benchmark 2's rig: a provider holding a token with a refresh token, an in-memory authorization server and MCP server,
/// and a fake clock. <see cref="ExpireToken"/> moves the clock past the token's expiry; <see cref="FireAsync"/> then sends
/// a burst of concurrent requests, with the token endpoint held until all of them are in flight.
/// </summary>
public sealed class BurstRig : IDisposable
{
    public const string EndpointString = "https://mcp.example.com/mcp";
    public static readonly Uri Endpoint = new(EndpointString);
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _time;
    private readonly HttpClient _client;
    private readonly IMcpOAuthProvider _provider;

    private BurstRig(FakeTimeProvider time, InMemoryAuthorizationServer authorizationServer, TokenCheckingMcpHandler mcp, IMcpOAuthProvider provider)
    {
        _time = time;
        AuthorizationServer = authorizationServer;
        Mcp = mcp;
        _provider = provider;
        _client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = mcp });
    }

    public InMemoryAuthorizationServer AuthorizationServer { get; }

    public TokenCheckingMcpHandler Mcp { get; }

    public static async Task<BurstRig> CreateAsync()
    {
        var time = new FakeTimeProvider();
        var authorizationServer = new InMemoryAuthorizationServer(Lifetime);
        var mcp = new TokenCheckingMcpHandler(authorizationServer);
        var store = new InMemoryTokenStore();
        DateTimeOffset now = time.GetUtcNow();
        var tokens = new TokenSet
        {
            AccessToken = authorizationServer.CurrentAccessToken,
            RefreshToken = "rt-0",
            Resource = EndpointString,
            Issuer = InMemoryAuthorizationServer.Issuer,
            ClientId = "bench-client",
            ObtainedAt = now,
            ExpiresAt = now + Lifetime,
        };
        await store.SetAsync(tokens.Key, tokens);
        var options = new McpOAuthOptions { ServerUri = Endpoint };
        options.Client.ClientId = "bench-client";
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, authorizationServer, time);
        var rig = new BurstRig(time, authorizationServer, mcp, provider);

        BurstOutcome first = await rig.FireAsync(1);
        if (first.Succeeded != 1 || first.TokenRequests != 0)
        {
            throw new InvalidOperationException("The pre-seeded token was not used.");
        }

        return rig;
    }

    /// <summary>Moves the clock past the token's expiry.</summary>
    public void ExpireToken() => _time.Advance(Lifetime + TimeSpan.FromSeconds(1));

    public async Task<BurstOutcome> FireAsync(int requests)
    {
        int tokenRequestsBefore = AuthorizationServer.TokenRequests;
        int metadataBefore = AuthorizationServer.MetadataRequests;
        int unauthorizedBefore = Mcp.Unauthorized;
        var tasks = new Task<HttpStatusCode>[requests];
        AuthorizationServer.Hold();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < requests; i++)
        {
            tasks[i] = SendOneAsync();
        }

        AuthorizationServer.Release();
        int succeeded = 0;
        int failed = 0;
        foreach (Task<HttpStatusCode> task in tasks)
        {
            try
            {
                if (await task == HttpStatusCode.OK)
                {
                    succeeded++;
                }
                else
                {
                    failed++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or McpOAuthException)
            {
                failed++;
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        return new BurstOutcome(
            requests,
            succeeded,
            failed,
            AuthorizationServer.TokenRequests - tokenRequestsBefore,
            AuthorizationServer.MetadataRequests - metadataBefore,
            Mcp.Unauthorized - unauthorizedBefore,
            elapsed.TotalMilliseconds);
    }

    public void Dispose()
    {
        _client.Dispose();
        (_provider as IDisposable)?.Dispose();
        AuthorizationServer.Dispose();
    }

    private async Task<HttpStatusCode> SendOneAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}

/// <summary>What one burst did.</summary>
public sealed record BurstOutcome(
    int Requests, int Succeeded, int Failed, int TokenRequests, int MetadataRequests, int Unauthorized, double ElapsedMilliseconds)
{
    public bool IsCorrect => Succeeded == Requests && Failed == 0 && TokenRequests == 1 && Unauthorized == 0;
}
