using System.Net;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.14, LOAD-04: a long run, measured alone (<see cref="SoakTests"/>).</summary>
[Collection(nameof(SoakTests))]
public sealed class SoakCatalogueTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_TenThousandRequestsWithATokenExpiringEveryThirtySeconds_OneRefreshPerExpiryAndNothingLeaks()
    {
        // LOAD-04 (soak): 10,000 requests over 300 s of injected time with 30 s tokens: the refresh count equals the number of
        // expiries; no callback listener, socket or temporary file is left behind, and the managed heap does not grow with
        // the request count.
        const int Batches = 200;
        const int PerBatch = 50;
        var step = TimeSpan.FromSeconds(1.5);
        var time = new FakeTimeProvider();
        using var directory = new TempDirectory();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o => o.AccessTokenLifetime = TimeSpan.FromSeconds(30));
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, o => o.RefreshSkew = TimeSpan.Zero, timeProvider: time, tokenStore: new FileTokenStore(directory.Combine("store")));

        Uri callback = (await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard)).CallbackUri!;
        await BatchAsync(client, mcpServer, 0, PerBatch); // warm the connection pools before measuring
        int descriptorsBefore = OpenDescriptors();
        long heapBefore = Heap();

        int expected = 0;
        DateTimeOffset validUntil = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        for (int batch = 0; batch < Batches; batch++)
        {
            if (time.GetUtcNow() >= validUntil)
            {
                expected++;
                validUntil = time.GetUtcNow() + TimeSpan.FromSeconds(30);
            }

            await BatchAsync(client, mcpServer, batch + 1, PerBatch);
            time.Advance(step);
        }

        long heapGrowth = Heap() - heapBefore;
        int descriptorGrowth = OpenDescriptors() - descriptorsBefore;
        using (new AssertionScope())
        {
            expected.Should().Be(9);
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(expected);
            mcpServer.UnauthorizedCount.Should().Be(1, "only the very first request was challenged");
            client.Browser.LaunchCount.Should().Be(1);
            (await RawHttp.CanConnectAsync(IPAddress.Loopback, callback.Port)).Should().BeFalse("no callback listener is left open");
            Directory.GetFiles(directory.Combine("store")).Select(Path.GetFileName).Should().NotContain(f => f!.Contains(".tmp", StringComparison.OrdinalIgnoreCase));
            heapGrowth.Should().BeLessThan(16L * 1024 * 1024);
            if (OperatingSystem.IsLinux())
            {
                descriptorGrowth.Should().BeLessThan(32, "sockets and files are closed or pooled, not accumulated");
            }
        }
    }

    private static async Task BatchAsync(McpClientHarness client, TestMcpServer mcpServer, int batch, int count)
    {
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.CallAsync(mcpServer.McpUri, "tools/list", (batch * count) + i + 1)));
        try
        {
            responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int OpenDescriptors() => OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : 0;
}
