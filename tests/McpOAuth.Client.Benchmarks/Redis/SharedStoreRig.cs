using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace McpOAuth.Client.Benchmarks.Redis;

/// <summary>Several provider instances of one application over one token store (Redis or memory), with the in-memory
/// authorization server and MCP server of the burst benchmark and one fake clock: the rig of the Redis benchmarks.</summary>
internal sealed class SharedStoreRig : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(IMcpOAuthProvider Provider, HttpClient Client)> _instances = [];

    private SharedStoreRig() => AuthorizationServer = new InMemoryAuthorizationServer(BurstRig.Lifetime);

    public InMemoryAuthorizationServer AuthorizationServer { get; }

    public int Unauthorized { get; private set; }

    /// <summary>Seeds the store with a token and a refresh token, creates the instances, and sends one request through each
    /// (each loads the store once).</summary>
    public static async Task<SharedStoreRig> CreateAsync(ITokenStore store, int instances)
    {
        var rig = new SharedStoreRig();
        DateTimeOffset now = rig._time.GetUtcNow();
        var tokens = new TokenSet
        {
            AccessToken = rig.AuthorizationServer.CurrentAccessToken,
            RefreshToken = "rt-0",
            Resource = BurstRig.EndpointString,
            Issuer = InMemoryAuthorizationServer.Issuer,
            ClientId = "bench-client",
            ObtainedAt = now,
            ExpiresAt = now + BurstRig.Lifetime,
        };
        await store.SetAsync(tokens.Key, tokens);
        for (int i = 0; i < instances; i++)
        {
            var options = new McpOAuthOptions { ServerUri = BurstRig.Endpoint };
            options.Client.ClientId = "bench-client";
            IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, rig.AuthorizationServer, rig._time);
            var mcp = new TokenCheckingMcpHandler(rig.AuthorizationServer);
            rig._instances.Add((provider, new HttpClient(new McpOAuthHandler(provider) { InnerHandler = mcp })));
            if (await rig.SendAsync(i) != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("The seeded token was not used.");
            }
        }

        return rig;
    }

    public void ExpireToken() => _time.Advance(BurstRig.Lifetime + TimeSpan.FromSeconds(1));

    /// <summary>Sends requests one after another through instance 0; returns the mean time per request.</summary>
    public async Task<double> SequentialNanosecondsPerRequestAsync(int requests)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < requests; i++)
        {
            if (await SendAsync(0) != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("A steady-state request failed.");
            }
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / requests;
    }

    /// <summary>Expires the token and times one request through instance 0, which renews it.</summary>
    public async Task<double> RenewalMillisecondsAsync()
    {
        ExpireToken();
        long start = Stopwatch.GetTimestamp();
        HttpStatusCode status = await SendAsync(0);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return status == HttpStatusCode.OK ? elapsed : throw new InvalidOperationException("A renewing request failed.");
    }

    /// <summary>Fires <paramref name="requests"/> concurrent requests spread over every instance, with the token endpoint
    /// held until all are in flight.</summary>
    public async Task<BurstOutcome> BurstAsync(int requests)
    {
        int tokensBefore = AuthorizationServer.TokenRequests;
        AuthorizationServer.Hold();
        long start = Stopwatch.GetTimestamp();
        Task<HttpStatusCode>[] tasks = [.. Enumerable.Range(0, requests).Select(i => SendAsync(i % _instances.Count))];
        AuthorizationServer.Release();
        HttpStatusCode[] statuses = await Task.WhenAll(tasks);
        int succeeded = statuses.Count(s => s == HttpStatusCode.OK);
        return new BurstOutcome(
            requests, succeeded, requests - succeeded, AuthorizationServer.TokenRequests - tokensBefore, 0,
            statuses.Count(s => s == HttpStatusCode.Unauthorized), Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    public void Dispose()
    {
        foreach ((IMcpOAuthProvider provider, HttpClient client) in _instances)
        {
            client.Dispose();
            (provider as IDisposable)?.Dispose();
        }

        AuthorizationServer.Dispose();
    }

    private async Task<HttpStatusCode> SendAsync(int instance)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BurstRig.Endpoint);
        using HttpResponseMessage response = await _instances[instance].Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
