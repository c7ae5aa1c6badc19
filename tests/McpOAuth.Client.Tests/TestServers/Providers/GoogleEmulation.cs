namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// Google as the research file describes it: issuer at the origin with OpenID metadata, PKCE advertised, no dynamic
/// registration, a confidential client (a desktop app's id and secret), no <c>offline_access</c> scope, and refresh tokens
/// only with <c>access_type=offline</c> and <c>prompt=consent</c>; refresh tokens do not rotate; revocation.
/// </summary>
internal static class GoogleEmulation
{
    public const string ClientId = "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com";
    public const string ClientSecret = "GOCSPX-google-desktop-app-secret";
    public const string SecretVariable = "GOOGLE_CLIENT_SECRET";

    public static Task<ProviderEmulation> StartAsync() => ProviderEmulation.StartAsync(
        o =>
        {
            o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathInsertion;
            o.CodeChallengeMethodsSupported = ["plain", "S256"];
            o.WithoutIss();
            o.ScopesSupported = ["openid", "email", "profile"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post", "client_secret_basic"];
            o.OnlyPreRegistered(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
            o.RotateRefreshTokens = false;
            o.RevocationEnabled = true;
            o.IssueRefreshTokenWhen = request => request.QueryValue("access_type") == "offline"
                && request.QueryValue("prompt")?.Split(' ').Contains("consent") == true;
        },
        (_, mcp) => mcp.Options.RequireScope("email", "openid", "email"),
        google => ProviderRecipe.PreRegistered("Google", issuesRefreshTokens: true, ClientId, google.Issuer, (SecretVariable, ClientSecret))
            .WithAuthParam("access_type", "offline")
            .WithAuthParam("prompt", "consent"));
}
