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

    public static Task<ProviderEmulation> StartAsync() => ProviderEmulation.StartAsync(
        o =>
        {
            o.IssuerPath = "/login/oauth";
            o.CodeChallengeMethodsSupported = null;
            o.WithoutIss();
            o.IssueRefreshTokens = false;
            o.GrantTypesSupported = ["authorization_code"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post"];
            o.OnlyPreRegistered(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_post" });
            o.FormEncodedTokenResponsesUnlessJsonAccepted = true;
            o.TokenErrorsWithStatus200 = true;
            o.MutateTokenResponse = body =>
            {
                body["token_type"] = "bearer";
                body.Remove("expires_in");
                body["scope"] = body["scope"]?.GetValue<string>().Replace(' ', ',');
            };
        },
        (_, mcp) =>
        {
            mcp.Options.RequireScope("repo", "repo", "read:org");
            mcp.Options.ChallengeIncludesScope = false;
        },
        github => ProviderRecipe.PreRegistered("GitHub", issuesRefreshTokens: false, ClientId, github.Issuer, (SecretVariable, ClientSecret))
            .WithoutPkceMetadata());
}
