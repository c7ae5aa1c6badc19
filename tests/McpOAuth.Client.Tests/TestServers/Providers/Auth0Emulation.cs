namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Auth0 as the research file describes it: an issuer with a trailing slash, dynamic registration enabled on the tenant,
/// refresh tokens for <c>offline_access</c>, revocation, no RFC 9207 <c>iss</c>, and the <c>resource</c> parameter ignored:
/// without <c>audience</c> the access token is an opaque one for <c>/userinfo</c>, which the MCP server cannot validate.
/// </summary>
internal static class Auth0Emulation
{
    public const string Audience = "https://mcp.example.com/api";

    public static Task<ProviderEmulation> StartAsync() => ProviderEmulation.StartAsync(
        o =>
        {
            o.IssuerPath = "/";
            o.MetadataPaths = AuthorizationServerMetadataPaths.OAuthPathInsertion | AuthorizationServerMetadataPaths.OpenIdPathInsertion;
            o.ScopesSupported = ["openid", "profile", "email", "offline_access"];
            o.WithoutIss();
            o.RevocationEnabled = true;
            o.RefreshTokensForOfflineAccess();
        },
        (auth0, mcp) =>
        {
            mcp.Options.ScopesSupported = ["openid", "profile"];
            mcp.Options.TokenValidator = (token, _) => auth0.GetAccessToken(token) is { IsRevoked: false } issued
                && issued.AuthorizationParameters.GetValueOrDefault("audience") == Audience
                ? issued.Scopes
                : null;
        },
        _ => new ProviderRecipe("Auth0", IssuesRefreshTokens: true).WithAuthParam("audience", Audience));
}
