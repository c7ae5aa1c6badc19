namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// An MCP server behind Cloudflare's workers-oauth-provider as the research file describes it: dynamic registration, PKCE
/// S256, a protected resource document whose <c>resource</c> is the bare origin (the audience is matched by origin), and access
/// and refresh tokens shaped <c>userId:grantId:secret</c>. The emulation advertises no revocation endpoint.
/// </summary>
internal static class CloudflareEmulation
{
    public static Task<ProviderEmulation> StartAsync()
    {
        int grants = 0;
        return ProviderEmulation.StartAsync(
            o =>
            {
                o.TokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"];
                o.ShapeToken = secret => $"user-42:grant-{Interlocked.Increment(ref grants)}:{secret}";
            },
            (worker, mcp) =>
            {
                mcp.Options.Resource = mcp.BaseUri.GetLeftPart(UriPartial.Authority);
                mcp.Options.TokenValidator = (token, _) => worker.GetAccessToken(token) is { IsRevoked: false, Resource: { } audience } issued
                    && mcp.McpEndpoint.StartsWith(audience, StringComparison.Ordinal)
                    ? issued.Scopes
                    : null;
            },
            _ => new ProviderRecipe("Cloudflare workers-oauth-provider", IssuesRefreshTokens: true));
    }
}
