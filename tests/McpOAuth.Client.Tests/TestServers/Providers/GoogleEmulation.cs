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

    public static async Task<ProviderEmulation> StartAsync()
    {
        TestAuthorizationServer google = await TestAuthorizationServer.StartAsync(o =>
        {
            o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathInsertion;
            o.CodeChallengeMethodsSupported = ["plain", "S256"];
            o.RegistrationEnabled = false;
            o.IssParameterSupported = false;
            o.IssInRedirect = IssRedirectMode.Omit;
            o.ScopesSupported = ["openid", "email", "profile"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post", "client_secret_basic"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
            o.RotateRefreshTokens = false;
            o.RevocationEnabled = true;
            o.IssueRefreshTokenWhen = request => request.QueryValue("access_type") == "offline"
                && request.QueryValue("prompt")?.Split(' ').Contains("consent") == true;
        });
        TestMcpServer mcp = await TestMcpServer.StartAsync(google, o =>
        {
            o.ScopesSupported = ["openid", "email"];
            o.RequiredScopes["*"] = ["email"];
        });
        return new ProviderEmulation
        {
            Name = "Google",
            AuthorizationServer = google,
            McpServer = mcp,
            Recipe = o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = google.Issuer;
                o.AdditionalAuthorizationParameters["access_type"] = "offline";
                o.AdditionalAuthorizationParameters["prompt"] = "consent";
            },
            CliRecipe =
            [
                "--client-id", ClientId, "--client-secret-env", SecretVariable, "--issuer", google.Issuer,
                "--auth-param", "access_type=offline", "--auth-param", "prompt=consent",
            ],
            SecretVariable = (SecretVariable, ClientSecret),
            IssuesRefreshTokens = true,
        };
    }
}
