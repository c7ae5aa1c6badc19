using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>403 insufficient_scope handling: a bounded step-up with the union of scopes.</summary>
public sealed class StepUpTests : ServerPairTest
{
    // AUTH-28, AUTH-29, RS-10, RS-12 (first half): tools/call needs one more scope; the server challenges only the new one.
    [Fact]
    public async Task SendAsync_InsufficientScope_ReauthorizesWithUnionAndRetries()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.RequiredScopes["*"] = ["mcp:read"];
            o.RequiredScopes["tools/call"] = ["mcp:write"];
            o.InsufficientScopeChallengeOverride = ["Bearer error=\"insufficient_scope\", scope=\"mcp:write\""];
        });
        using var client = McpClientHarness.Create();
        await client.CallOkAsync(mcpServer.McpUri, "tools/list");

        string body = McpClientHarness.JsonRpc("tools/call", 2);

        using HttpResponseMessage response = await client.PostAsync(mcpServer.McpUri, body);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("scope")).Should().Equal("mcp:read", "mcp:read mcp:write");
            mcpServer.ForbiddenCount.Should().Be(1);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal(
                "POST /mcp 401", "POST /mcp 200", "POST /mcp 403", "POST /mcp 200");
            mcpServer.McpRequests.Skip(2).Select(r => r.Body).Should().Equal(body, body);
            string stepUpToken = authorizationServer.IssuedAccessTokens[^1].Token;
            mcpServer.McpRequests[^1].BearerToken.Should().Be(stepUpToken);
            authorizationServer.GetAccessToken(stepUpToken)!.Scopes.Should().BeEquivalentTo("mcp:read", "mcp:write");
            authorizationServer.TokenRequests[^1].FormValue("resource").Should().Be(mcpServer.Resource);
            client.Browser.LaunchCount.Should().Be(2);
        }
    }

    // AUTH-30: the bound is the provider's option, honoured by a handler built without DI (issue 9; it was always 3).
    [Fact]
    public async Task SendAsync_MaxAuthorizationAttemptsOne_StepUpAfterTheSignInIsRefusedAsALoop()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.RequiredScopes["*"] = ["mcp:read", "mcp:write"];
            o.ChallengeScope = "mcp:read";
            o.InsufficientScopeChallengeOverride = ["Bearer error=\"insufficient_scope\", scope=\"mcp:write\""];
        });
        using var client = McpClientHarness.Create(o => o.MaxAuthorizationAttempts = 1);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
        client.Browser.LaunchCount.Should().Be(1, "the step-up would be the second authorization of one request");
    }

    // AUTH-30, RS-12, TOK-09: the AS never grants mcp:write, so the same challenge repeats without a new scope; the client stops.
    [Fact]
    public async Task SendAsync_InsufficientScopeRepeatsWithoutNewScope_ThrowsInsufficientScopeWithinThreeAuthorizations()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.GrantScope = _ => "mcp:read", o =>
        {
            o.RequiredScopes["*"] = ["mcp:read"];
            o.RequiredScopes["tools/call"] = ["mcp:write"];
            o.ChallengeScope = "mcp:read";
            o.InsufficientScopeChallengeOverride = ["Bearer error=\"insufficient_scope\", scope=\"mcp:write\""];
        });
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/call");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsufficientScope);
        using (new AssertionScope())
        {
            authorizationServer.AuthorizeRequestCount.Should().BeInRange(1, 3);
            client.Browser.LaunchCount.Should().Be(authorizationServer.AuthorizeRequestCount);
            authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("scope")).Should().Equal("mcp:read", "mcp:read mcp:write");
            mcpServer.McpRequests.Should().HaveCountLessThanOrEqualTo(4);
        }
    }
}
