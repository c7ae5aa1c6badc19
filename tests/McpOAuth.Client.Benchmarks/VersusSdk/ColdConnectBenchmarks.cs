using BenchmarkDotNet.Attributes;

namespace McpOAuth.Client.Benchmarks.VersusSdk;

/// <summary>
/// Benchmarks 3 and 6: a cold connect over loopback. Each operation creates a new McpClient with a new OAuth client and new
/// connection pools, signs in (401, discovery, registration, browser stand-in, code exchange), completes
/// <c>initialize</c>, and disposes everything. The servers run in a child process, so the allocations are the client's only.
/// The SDK runs twice: with its callback handler taking the code straight from the redirect (no listener), and receiving the
/// redirect on an <see cref="System.Net.HttpListener"/> as its sample does, which is what McpOAuth.Client's sign-in does.
/// </summary>
[MemoryDiagnoser]
public class ColdConnectBenchmarks
{
    private ServerProcess _server = null!;
    private BrowserStandIn _browser = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        _browser = new BrowserStandIn();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _browser.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "SDK built-in OAuth")]
    public async Task Sdk()
    {
        await using McpConnection connection = await McpConnection.ConnectAsync(OAuthClientKind.Sdk, _server.McpUri, _browser);
    }

    [Benchmark(Description = "SDK built-in OAuth, HttpListener callback")]
    public async Task SdkWithListener()
    {
        await using McpConnection connection = await McpConnection.ConnectAsync(OAuthClientKind.SdkWithListener, _server.McpUri, _browser);
    }

    [Benchmark(Description = "McpOAuth.Client")]
    public async Task Ours()
    {
        await using McpConnection connection = await McpConnection.ConnectAsync(OAuthClientKind.McpOAuthClient, _server.McpUri, _browser);
    }
}
