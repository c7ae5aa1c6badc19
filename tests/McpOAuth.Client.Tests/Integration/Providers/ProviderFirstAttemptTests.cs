using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>What a user tries first against each provider, without its recipe (issue 12 item 4; docs/providers.md): the error
/// names the library option and the <c>mcp-oauth</c> flag that fix it. The CLI's twin is
/// <c>CliProviderTests.DefaultAttempt_ErrorNamesTheFlagThatFixesIt</c>.</summary>
public sealed class ProviderFirstAttemptTests
{
    public static TheoryData<string, bool, McpOAuthErrorCode, string[], int> Attempts => new()
    {
        // Auth0, NoAudience_TokenRejectedRightAfterSignIn_ErrorNamesAuthParamAudience: the token is rejected right after the
        // sign-in; signing in again would not help, so the client stops after one browser launch.
        { "Auth0", false, McpOAuthErrorCode.AuthorizationLoop, ["AdditionalAuthorizationParameters", "--auth-param audience="], 1 },
        // Entra, NoClientId_ErrorNamesClientIdAndIssuer.
        { "Entra", true, McpOAuthErrorCode.ClientRegistrationRequired, ["Client.ClientId", "--client-id", "--issuer"], 0 },
        // GitHub, NoClientId_ErrorNamesClientIdSecretAndIssuer.
        { "GitHub", true, McpOAuthErrorCode.ClientRegistrationRequired, ["--client-id", "--client-secret-env", "--issuer"], 0 },
        // Keycloak, DynamicRegistrationRefusedByTrustedHosts_ErrorNamesClientId.
        { "Keycloak", false, McpOAuthErrorCode.RegistrationFailed, ["HTTP 403", "Trusted Hosts", "--client-id", "Client.ClientId"], 0 },
        // Okta, DynamicRegistrationWithoutApiToken_ErrorNamesClientId: registration needs an API token.
        { "Okta", false, McpOAuthErrorCode.RegistrationFailed, ["HTTP 401", "--client-id", "--issuer"], 0 },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task DefaultAttempt_ErrorNamesTheFix(string name, bool allowMissingPkceMetadata, McpOAuthErrorCode code, string[] remedies, int browserLaunches)
    {
        await using ProviderEmulation provider = await ProviderEmulation.StartAsync(name);
        using McpClientHarness client = ProviderClients.Default(o => o.RequirePkceMetadata = !allowMissingPkceMetadata);

        McpOAuthException ex = await client.CallFailsAsync<McpOAuthException>(provider);

        using (new AssertionScope(name))
        {
            ex.Code.Should().Be(code);
            foreach (string remedy in remedies)
            {
                ex.Message.Should().Contain(remedy);
            }

            client.Browser.LaunchCount.Should().Be(browserLaunches);
        }
    }
}
