using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The PRM starts naming another authorization server after a working token (conformance
/// auth/authorization-server-migration).</summary>
public sealed class AuthorizationServerMigrationTests
{
    // AUTH-08, AUTH-24, REF-09: AS1 issued no refresh token; the 401 leads to re-discovery and registration at AS2, and
    // nothing AS1 issued (client id, tokens) reaches AS2.
    [Fact]
    public async Task SendAsync_ServerMovesToAnotherAuthorizationServer_RegistersThereWithoutLeakingOldCredentials()
    {
        await using var first = await TestAuthorizationServer.StartAsync(o => o.IssueRefreshTokens = false);
        await using var second = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(first);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        int firstRequests = first.Requests.Count;
        mcpServer.SetAuthorizationServer(second);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        AssertMigrated(first, second, mcpServer, client);
        first.Requests.Should().HaveCount(firstRequests);
    }

    // AUTH-24, AUTH-43, RS-10: as above, but AS1 still honours its refresh token. One refresh at AS1 is allowed; its token
    // is rejected too, so the client must re-discover and sign in at AS2 rather than give up (or refresh forever).
    [Fact]
    public async Task SendAsync_ServerMovesWhileOldRefreshTokenStillWorks_StillMigratesToNewAuthorizationServer()
    {
        await using var first = await TestAuthorizationServer.StartAsync();
        await using var second = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(first);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        mcpServer.SetAuthorizationServer(second);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        AssertMigrated(first, second, mcpServer, client);
        first.TokenRequestCount("refresh_token").Should().BeLessThanOrEqualTo(1);
    }

    private static void AssertMigrated(TestAuthorizationServer first, TestAuthorizationServer second, TestMcpServer mcpServer, McpClientHarness client)
    {
        string oldClientId = first.Clients.Single().ClientId;
        string[] oldSecrets = [oldClientId, .. first.IssuedAccessTokens.Select(t => t.Token)];
        using (new AssertionScope())
        {
            McpClientHarness.Describe(second.Requests).Should().Equal(
                "GET /.well-known/oauth-authorization-server 200",
                "POST /register 201",
                "GET /authorize 302",
                "POST /token 200");
            second.AuthorizeRequests.Single().QueryValue("client_id").Should().Be(second.Clients.Single().ClientId).And.NotBe(oldClientId);
            foreach (RecordedRequest request in second.Requests)
            {
                string wire = request.QueryString + "\n" + request.Body + "\n" + request.Authorization;
                foreach (string secret in oldSecrets)
                {
                    wire.Should().NotContain(secret, "AS1's client id and tokens must never reach AS2 ({0} {1})", request.Method, request.Path);
                }
            }

            mcpServer.McpRequests[^1].BearerToken.Should().Be(second.IssuedAccessTokens.Single().Token);
            client.Browser.LaunchCount.Should().Be(2);
        }
    }
}
