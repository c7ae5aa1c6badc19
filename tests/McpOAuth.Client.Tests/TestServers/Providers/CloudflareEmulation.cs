namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// An MCP server behind Cloudflare's workers-oauth-provider as the research file describes it: dynamic registration, PKCE
/// S256, a protected resource document whose <c>resource</c> is the bare origin (the audience is matched by origin), and access
/// and refresh tokens shaped <c>userId:grantId:secret</c>. The emulation advertises no revocation endpoint.
/// </summary>
internal static class CloudflareEmulation
{
    public static async Task<ProviderEmulation> StartAsync()
    {
        int grants = 0;
        TestAuthorizationServer worker = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"];
            o.ShapeToken = secret => $"user-42:grant-{Interlocked.Increment(ref grants)}:{secret}";
        });
        TestMcpServer mcp = await TestMcpServer.StartAsync(worker);
        string origin = mcp.BaseUri.GetLeftPart(UriPartial.Authority);
        mcp.Options.Resource = origin;
        mcp.Options.TokenValidator = (token, _) => worker.GetAccessToken(token) is { IsRevoked: false, Resource: { } audience } issued
            && mcp.McpEndpoint.StartsWith(audience, StringComparison.Ordinal)
            ? issued.Scopes
            : null;
        return new ProviderEmulation
        {
            Name = "Cloudflare workers-oauth-provider",
            AuthorizationServer = worker,
            McpServer = mcp,
            Recipe = _ => { },
            CliRecipe = [],
            IssuesRefreshTokens = true,
        };
    }
}
