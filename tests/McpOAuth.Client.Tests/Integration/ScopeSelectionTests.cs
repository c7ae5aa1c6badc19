namespace McpOAuth.Client.Tests.Integration;

/// <summary>The MCP scope selection strategy and offline_access signalling, as seen by the authorization endpoint.</summary>
public sealed class ScopeSelectionTests : ServerPairTest
{
    // AUTH-26 (1), AUTH-27, SCOPE-01: the challenge scope wins, even when it is outside scopes_supported.
    [Fact]
    public async Task SendAsync_ChallengeNamesScope_RequestsExactlyTheChallengedScope()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.ScopesSupported = ["mcp:read", "mcp:write"];
            o.ChallengeScope = "files:read x:special";
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        authorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("files:read x:special");
    }

    // AUTH-26 (2), SCOPE-01: no challenge scope, so every PRM scopes_supported value.
    [Fact]
    public async Task SendAsync_NoChallengeScope_RequestsAllPrmScopesSupported()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.ScopesSupported = ["mcp:read", "mcp:write"];
            o.ChallengeIncludesScope = false;
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        authorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("mcp:read mcp:write");
    }

    // AUTH-26 (3), SCOPE-01: no challenge scope and no scopes_supported, so no scope parameter at all.
    [Fact]
    public async Task SendAsync_NoScopeAnywhere_OmitsScopeParameter()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.ScopesSupported = ["offline_access"]);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        authorizationServer.AuthorizeRequests.Single().Query.Keys.Should().NotContain("scope");
    }

    // AUTH-31, SCOPE-01: offline_access is added once when the AS metadata lists it, and never otherwise.
    [Theory]
    [InlineData(true, "mcp:read offline_access")]
    [InlineData(false, "mcp:read")]
    public async Task SendAsync_AuthorizationServerScopes_AddsOfflineAccessOnlyWhenListed(bool listed, string expectedScope)
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
            o.ScopesSupported = listed ? ["mcp:read", "offline_access"] : ["mcp:read"], o =>
        {
            o.ScopesSupported = ["mcp:read", "offline_access"]; // The PRM is not the source for offline_access.
            o.ChallengeScope = "mcp:read";
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            authorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be(expectedScope);
            authorizationServer.RegistrationRequests.Single().Body.Should().Contain("\"refresh_token\"");
        }
    }
}
