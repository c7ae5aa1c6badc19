using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace McpOAuth.Client.Benchmarks.SteadyState;

/// <summary>
/// Benchmark 1: the steady state. HttpClient → McpOAuthHandler holding a valid token → an in-memory 200, against the floor
/// (the same pipeline with a handler that only sets a fixed Authorization header). Target: ≤ 1.05× the floor's time and at
/// most one extra allocation per request.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SteadyStateBenchmarks
{
    public const string SameUri = "same Uri";
    public const string NewUri = "new Uri per request";
    public const string Parts = "parts";

    private readonly HttpRequestMessage _headerProbe = NewHeaderProbe();
    private SteadyStatePipelines _pipelines = null!;

    [GlobalSetup]
    public async Task SetupAsync() => _pipelines = await SteadyStatePipelines.CreateAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipelines.Dispose();
        _headerProbe.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Floor")]
    [BenchmarkCategory(SameUri)]
    public Task Floor_SameUri() => SteadyStatePipelines.SendAsync(_pipelines.Floor, SteadyStatePipelines.Endpoint);

    [Benchmark(Description = "Floor, async handler")]
    [BenchmarkCategory(SameUri)]
    public Task FloorAsync_SameUri() => SteadyStatePipelines.SendAsync(_pipelines.FloorAsync, SteadyStatePipelines.Endpoint);

    [Benchmark(Description = "McpOAuthHandler")]
    [BenchmarkCategory(SameUri)]
    public Task Ours_SameUri() => SteadyStatePipelines.SendAsync(_pipelines.Ours, SteadyStatePipelines.Endpoint);

    [Benchmark(Baseline = true, Description = "Floor")]
    [BenchmarkCategory(NewUri)]
    public Task Floor_NewUri() => SteadyStatePipelines.SendAsync(_pipelines.Floor, new Uri(SteadyStatePipelines.EndpointString));

    [Benchmark(Description = "McpOAuthHandler")]
    [BenchmarkCategory(NewUri)]
    public Task Ours_NewUri() => SteadyStatePipelines.SendAsync(_pipelines.Ours, new Uri(SteadyStatePipelines.EndpointString));

    /// <summary>The provider's part of the hot path alone: <see cref="IMcpOAuthProvider.GetAccessTokenAsync"/> on a held token.</summary>
    [Benchmark(Baseline = true, Description = "GetAccessTokenAsync, same Uri")]
    [BenchmarkCategory(Parts)]
    public ValueTask<string?> Provider_SameUri() => _pipelines.Provider.GetAccessTokenAsync(SteadyStatePipelines.Endpoint);

    /// <summary>What the handler calls on every request: the cached credential (token and header) for the request.</summary>
    [Benchmark(Description = "GetCredentialAsync, same Uri")]
    [BenchmarkCategory(Parts)]
    public ValueTask<McpOAuthCredential?> Credential_SameUri() => _pipelines.Provider.GetCredentialAsync(HttpMethod.Post, SteadyStatePipelines.Endpoint);

    /// <summary>The handler's check for a DPoP header to remove, made on every request even when the token is a bearer token.</summary>
    [Benchmark(Description = "request.Headers.Contains(\"DPoP\")")]
    [BenchmarkCategory(Parts)]
    public bool DpopHeaderCheck() => _headerProbe.Headers.Contains("DPoP");

    [Benchmark(Description = "GetAccessTokenAsync, new Uri")]
    [BenchmarkCategory(Parts)]
    public ValueTask<string?> Provider_NewUri() => _pipelines.Provider.GetAccessTokenAsync(new Uri(SteadyStatePipelines.EndpointString));

    [Benchmark(Description = "new Uri alone")]
    [BenchmarkCategory(Parts)]
    public Uri NewUriAlone() => new(SteadyStatePipelines.EndpointString);

    /// <summary>The clock read the provider makes on every request to check the token's expiry.</summary>
    [Benchmark(Description = "TimeProvider.System.GetUtcNow()")]
    [BenchmarkCategory(Parts)]
    public DateTimeOffset ClockRead() => TimeProvider.System.GetUtcNow();

    /// <summary>The handler's checks of the request URI (absolute, no userinfo, https or http to loopback), written out.</summary>
    [Benchmark(Description = "Uri checks (https, no userinfo)")]
    [BenchmarkCategory(Parts)]
    public bool UriChecks()
    {
        Uri uri = SteadyStatePipelines.Endpoint;
        return uri.IsAbsoluteUri && string.IsNullOrEmpty(uri.UserInfo)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
    }

    private static HttpRequestMessage NewHeaderProbe()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SteadyStatePipelines.Endpoint);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SteadyStatePipelines.Token);
        return request;
    }
}
