using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Concurrent first requests share one interactive sign-in.</summary>
public sealed class ConcurrencyTests : ServerPairTest
{
    // REF-13, T24: ten requests without a token all get 401 before anyone has signed in; exactly one browser launch and
    // one authorization request, and every request is retried once with the one token.
    [Fact]
    public async Task SendAsync_TenConcurrentFirstRequests_ShareOneInteractiveSignIn()
    {
        const int Count = 10;
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrivals = 0;
        mcpServer.Options.OnMcpRequest = async context =>
        {
            // Hold the unauthenticated requests until all have arrived, so every one of them is challenged.
            if (context.GetRecordedRequest().Authorization is null)
            {
                if (Interlocked.Increment(ref arrivals) == Count)
                {
                    allArrived.TrySetResult();
                }

                await allArrived.Task.WaitAsync(McpClientHarness.HangGuard);
            }

            return false;
        };
        using var client = McpClientHarness.Create();

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(1, Count).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        try
        {
            using (new AssertionScope())
            {
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                client.Browser.LaunchCount.Should().Be(1);
                authorizationServer.AuthorizeRequestCount.Should().Be(1);
                authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
                string token = authorizationServer.IssuedAccessTokens.Single().Token;
                mcpServer.McpRequests.Count(r => r.StatusCode == 401).Should().Be(Count);
                mcpServer.McpRequests.Count(r => r.BearerToken == token && r.StatusCode == 200).Should().Be(Count);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }
}
