namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>
/// GitHub's OAuth apps as the research file describes them: issuer <c>/login/oauth</c>, no PKCE metadata, no dynamic
/// registration, a confidential client (id and secret), token responses form-encoded unless <c>Accept: application/json</c>,
/// token errors with HTTP 200, comma-separated granted scopes, lowercase <c>bearer</c>, tokens without expiry, no refresh token
/// and no revocation endpoint.
/// </summary>
internal static class GitHubEmulation
{
    public const string ClientId = "Ov23liAbCdEf0123456789";
    public const string ClientSecret = "github-oauth-app-secret-0123456789abcdef";
    public const string SecretVariable = "GITHUB_CLIENT_SECRET";

    public static async Task<ProviderEmulation> StartAsync()
    {
        TestAuthorizationServer github = await TestAuthorizationServer.StartAsync(o =>
        {
            o.IssuerPath = "/login/oauth";
            o.CodeChallengeMethodsSupported = null;
            o.RegistrationEnabled = false;
            o.IssParameterSupported = false;
            o.IssInRedirect = IssRedirectMode.Omit;
            o.IssueRefreshTokens = false;
            o.GrantTypesSupported = ["authorization_code"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_post" });
            o.FormEncodedTokenResponsesUnlessJsonAccepted = true;
            o.TokenErrorsWithStatus200 = true;
            o.MutateTokenResponse = body =>
            {
                body["token_type"] = "bearer";
                body.Remove("expires_in");
                body["scope"] = body["scope"]?.GetValue<string>().Replace(' ', ',');
            };
        });
        TestMcpServer mcp = await TestMcpServer.StartAsync(github, o =>
        {
            o.ScopesSupported = ["repo", "read:org"];
            o.RequiredScopes["*"] = ["repo"];
            o.ChallengeIncludesScope = false;
        });
        return new ProviderEmulation
        {
            Name = "GitHub",
            AuthorizationServer = github,
            McpServer = mcp,
            Recipe = o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = github.Issuer;
                o.RequirePkceMetadata = false;
            },
            CliRecipe = ["--client-id", ClientId, "--client-secret-env", SecretVariable, "--issuer", github.Issuer, "--allow-missing-pkce-metadata"],
            SecretVariable = (SecretVariable, ClientSecret),
            IssuesRefreshTokens = false,
        };
    }
}
