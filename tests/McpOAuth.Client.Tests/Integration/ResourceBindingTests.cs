using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>One provider serving two MCP servers: each only ever sees the token issued for it.</summary>
public sealed class ResourceBindingTests : ServerPairTest
{
    // RS-01, AUTH-41, STORE-10, RS-06: two servers on different ports behind one AS and one HttpClient.
    [Fact]
    public async Task SendAsync_TwoServersOneProvider_EachReceivesOnlyItsOwnToken()
    {
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var serverA = await TestMcpServer.StartAsync(authorizationServer);
        await using var serverB = await TestMcpServer.StartAsync(authorizationServer);
        using var client = McpClientHarness.Create();
        foreach (TestMcpServer server in new[] { serverA, serverB, serverA, serverB })
        {
            using HttpResponseMessage warmUp = await client.CallAsync(server.McpUri, "tools/list");
            warmUp.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        using HttpResponseMessage response = await client.CallAsync(serverA.McpUri, "tools/call", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        IssuedAccessToken tokenA = authorizationServer.IssuedAccessTokens.Single(t => t.Resource == serverA.Resource);
        IssuedAccessToken tokenB = authorizationServer.IssuedAccessTokens.Single(t => t.Resource == serverB.Resource);
        using (new AssertionScope())
        {
            authorizationServer.IssuedAccessTokens.Should().HaveCount(2);
            authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("resource")).Should().Equal(serverA.Resource, serverB.Resource);
            serverA.McpRequests.Select(r => r.BearerToken).Should().Equal(null, tokenA.Token, tokenA.Token, tokenA.Token);
            serverB.McpRequests.Select(r => r.BearerToken).Should().Equal(null, tokenB.Token, tokenB.Token);
            serverA.Requests.Should().NotContain(r => r.Authorization != null && r.Authorization.Contains(tokenB.Token, StringComparison.Ordinal));
            serverB.Requests.Should().NotContain(r => r.Authorization != null && r.Authorization.Contains(tokenA.Token, StringComparison.Ordinal));
            serverA.Requests.Concat(serverB.Requests).Concat(authorizationServer.Requests)
                .Should().NotContain(r => r.QueryString.Contains(tokenA.Token, StringComparison.Ordinal)
                    || r.QueryString.Contains(tokenB.Token, StringComparison.Ordinal)
                    || r.QueryString.Contains("access_token", StringComparison.Ordinal));
        }
    }

    // RS-02: the handler never attaches an MCP token to a request for another origin (here, the AS itself).
    [Fact]
    public async Task SendAsync_RequestToAnotherOrigin_CarriesNoToken()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        using HttpResponseMessage response = await client.Http.GetAsync(authorizationServer.OAuthMetadataUri).WaitAsync(McpClientHarness.HangGuard);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        authorizationServer.Requests[^1].Authorization.Should().BeNull();
    }
}
