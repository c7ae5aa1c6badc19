using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Refresh against a rotating, reuse-detecting authorization server. The FakeTimeProvider also drives the
/// library's HTTP timeouts, so time moves only while no call is in flight, and never past <see cref="McpClientHarness.MaxHttpTimeout"/>
/// after a call (see <see cref="BackchannelTimerTests"/>).</summary>
public sealed class RefreshTests : ServerPairTest
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PastExpiry = Lifetime + TimeSpan.FromSeconds(1);

    // AUTH-42, REF-02, REF-08, REF-11: an expired token is refreshed before use (no 401), and the rotated refresh token is
    // the one presented next time.
    [Fact]
    public async Task SendAsync_TokenExpiredTwice_RefreshesProactivelyWithRotatedRefreshToken()
    {
        var time = new FakeTimeProvider();
        var issuedRefreshTokens = new List<string>();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = Lifetime;
            o.MutateTokenResponse = body => issuedRefreshTokens.Add(body["refresh_token"]!.GetValue<string>());
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time);

        RecordedRequest[] refreshes = await ExpireTwiceAsync(client, time, authorizationServer, mcpServer);
        using (new AssertionScope())
        {
            refreshes.Select(r => r.StatusCode).Should().Equal(200, 200);
            refreshes.Select(r => r.FormValue("refresh_token")).Should().Equal(issuedRefreshTokens[0], issuedRefreshTokens[1]);
            refreshes.Should().OnlyContain(r => r.FormValue("resource") == mcpServer.Resource
                && r.FormValue("client_id") == authorizationServer.Clients.Single().ClientId);
            authorizationServer.RefreshTokenReuseCount.Should().Be(0);
            mcpServer.UnauthorizedCount.Should().Be(1);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 200", "POST /mcp 200");
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    // AUTH-43: a 401 on a token the client still thinks is valid triggers exactly one refresh, and no browser.
    [Fact]
    public async Task SendAsync_ValidLookingTokenRejected_RefreshesOnceBeforeAnyInteractiveFlow()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        mcpServer.RevokeAllTokens();
        string body = McpClientHarness.JsonRpc("tools/list", 2);

        using HttpResponseMessage response = await client.PostAsync(mcpServer.McpUri, body);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            client.Browser.LaunchCount.Should().Be(1);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 401", "POST /mcp 200");
            mcpServer.McpRequests.Skip(2).Select(r => r.Body).Should().Equal(body, body);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
        }
    }

    // AUTH-43, REF-06: the refresh token was revoked, so invalid_grant, then exactly one interactive flow; no loop.
    [Fact]
    public async Task SendAsync_RefreshAnswersInvalidGrant_FallsBackToOneInteractiveFlow()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        authorizationServer.RevokeAllTokens();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token"))
                .Should().Equal("POST /token 400");
            authorizationServer.AuthorizeRequestCount.Should().Be(2);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(2);
            client.Browser.LaunchCount.Should().Be(2);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
            authorizationServer.IssuedAccessTokens[^1].GrantType.Should().Be("authorization_code");
        }
    }

    // REF-01, REF-11: 20 concurrent requests find the token expired; one refresh serves them all.
    [Fact]
    public async Task SendAsync_TwentyConcurrentRequestsOnExpiredToken_RefreshExactlyOnce()
    {
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o => o.AccessTokenLifetime = Lifetime);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time);

        time.Advance(PastExpiry);

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(2, 20).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        try
        {
            using (new AssertionScope())
            {
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
                string refreshed = authorizationServer.IssuedAccessTokens[^1].Token;
                mcpServer.McpRequests.Skip(2).Should().HaveCount(20).And.OnlyContain(r => r.BearerToken == refreshed);
                mcpServer.UnauthorizedCount.Should().Be(1);
                client.Browser.LaunchCount.Should().Be(1);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    // REF-01: 20 concurrent requests all get 401 for the same stale token; one refresh, and each retries once.
    [Fact]
    public async Task SendAsync_TwentyConcurrent401s_RefreshExactlyOnceAndRetryEachOnce()
    {
        const int Count = 20;
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        string stale = authorizationServer.IssuedAccessTokens.Single().Token;
        mcpServer.RevokeAllTokens();
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrivals = 0;
        mcpServer.Options.OnMcpRequest = async context =>
        {
            // Hold every request carrying the stale token until all have arrived, so all of them get a 401.
            if (context.GetRecordedRequest().BearerToken == stale)
            {
                if (Interlocked.Increment(ref arrivals) == Count)
                {
                    allArrived.TrySetResult();
                }

                await allArrived.Task.WaitAsync(McpClientHarness.HangGuard);
            }

            return false;
        };

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(2, Count).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        try
        {
            using (new AssertionScope())
            {
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
                string refreshed = authorizationServer.IssuedAccessTokens[^1].Token;
                mcpServer.McpRequests.Skip(2).Count(r => r.BearerToken == stale && r.StatusCode == 401).Should().Be(Count);
                mcpServer.McpRequests.Skip(2).Count(r => r.BearerToken == refreshed && r.StatusCode == 200).Should().Be(Count);
                client.Browser.LaunchCount.Should().Be(1);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    // REF-03: the AS does not rotate, so its refresh response has no refresh_token; the old one is kept and used again.
    [Fact]
    public async Task SendAsync_RefreshResponseWithoutRefreshToken_KeepsTheOldRefreshToken()
    {
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = Lifetime;
            o.RotateRefreshTokens = false;
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time);

        RecordedRequest[] refreshes = await ExpireTwiceAsync(client, time, authorizationServer, mcpServer);
        using (new AssertionScope())
        {
            refreshes.Select(r => r.StatusCode).Should().Equal(200, 200);
            refreshes[0].FormValue("refresh_token").Should().NotBeNull().And.Be(refreshes[1].FormValue("refresh_token"));
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    /// <summary>Lets the signed-in client's token expire, calls (answered 200), lets it expire again and calls again
    /// (answered 200); returns the refresh requests the authorization server saw.</summary>
    private static async Task<RecordedRequest[]> ExpireTwiceAsync(
        McpClientHarness client, FakeTimeProvider time, TestAuthorizationServer authorizationServer, TestMcpServer mcpServer)
    {
        time.Advance(PastExpiry);
        await client.CallOkAsync(mcpServer.McpUri, "tools/list", 2);
        time.Advance(PastExpiry);
        await client.CallOkAsync(mcpServer.McpUri, "tools/list", 3);
        return [.. authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token")];
    }
}
