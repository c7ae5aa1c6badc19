namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Auth0 as the research file describes it: an issuer with a trailing slash, dynamic registration enabled on the tenant,
/// refresh tokens for <c>offline_access</c>, revocation, no RFC 9207 <c>iss</c>, and the <c>resource</c> parameter ignored:
/// without <c>audience</c> the access token is an opaque one for <c>/userinfo</c>, which the MCP server cannot validate.
/// </summary>
internal static class Auth0Emulation
{
    public const string Audience = "https://mcp.example.com/api";

    public static async Task<ProviderEmulation> StartAsync()
    {
        TestAuthorizationServer auth0 = await TestAuthorizationServer.StartAsync(o =>
        {
            o.IssuerPath = "/";
            o.MetadataPaths = AuthorizationServerMetadataPaths.OAuthPathInsertion | AuthorizationServerMetadataPaths.OpenIdPathInsertion;
            o.ScopesSupported = ["openid", "profile", "email", "offline_access"];
            o.IssParameterSupported = false;
            o.IssInRedirect = IssRedirectMode.Omit;
            o.RevocationEnabled = true;
            o.IssueRefreshTokenWhen = request => request.QueryValue("scope")?.Split(' ').Contains("offline_access") == true;
        });
        TestMcpServer mcp = await TestMcpServer.StartAsync(auth0, o =>
        {
            o.ScopesSupported = ["openid", "profile"];
            o.TokenValidator = (token, _) => auth0.GetAccessToken(token) is { IsRevoked: false } issued
                && issued.AuthorizationParameters.GetValueOrDefault("audience") == Audience
                ? issued.Scopes
                : null;
        });
        return new ProviderEmulation
        {
            Name = "Auth0",
            AuthorizationServer = auth0,
            McpServer = mcp,
            Recipe = o => o.AdditionalAuthorizationParameters["audience"] = Audience,
            CliRecipe = ["--auth-param", "audience=" + Audience],
            IssuesRefreshTokens = true,
        };
    }
}
