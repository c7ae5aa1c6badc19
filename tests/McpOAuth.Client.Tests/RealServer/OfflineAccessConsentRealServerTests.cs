using McpOAuth.Client.Tests.OidcProvider;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>Issue 12 item 1 against the real oidc-provider with its OpenID Connect Core §11 rule on (no test patch): an
/// authorization request for <c>offline_access</c> without <c>prompt=consent</c> gets no refresh token. The library now sends
/// <c>prompt=consent</c> with <c>offline_access</c>, as the MCP TypeScript SDK does, so the refresh token is issued.</summary>
public sealed class OfflineAccessConsentRealServerTests
{
    [Fact]
    public async Task SignInAsync_OidcProviderDropsOfflineAccessWithoutConsent_RefreshTokenIssuedAnyway()
    {
        await using OidcProviderServer oidc = await OidcProviderServer.StartAsync(new OidcProviderOptions { OfflineAccessImpliesConsent = false });
        await using TestMcpServer mcp = await TestMcpServer.StartAsync(null, o =>
        {
            o.AuthorizationServers = [oidc.Issuer];
            o.ScopesSupported = ["mcp:read", "mcp:write"];
        });
        using OidcBrowser browser = oidc.CreateBrowser();
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(new McpOAuthOptions
        {
            ServerUri = mcp.McpUri,
            LaunchBrowser = browser.LaunchBrowser,
            AuthorizationTimeout = TimeSpan.FromSeconds(20),
        });
        using var disposeProvider = provider as IDisposable;

        TokenSet tokens = await provider.SignInAsync(mcp.McpUri).WaitAsync(TestTimeouts.Default);

        tokens.RefreshToken.Should().NotBeNullOrEmpty($"prompt=consent came with offline_access\n{oidc.Log}");
    }
}
