using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Auth0 (issue 12 item 4; docs/providers.md#auth0).</summary>
public sealed class Auth0Tests
{
    [Fact]
    public async Task Recipe_SignInCallRefreshSignOut()
    {
        await using ProviderEmulation auth0 = await Auth0Emulation.StartAsync();

        TokenSet signedIn = await ProviderJourney.RunAsync(auth0, new FakeTimeProvider());

        using (new AssertionScope())
        {
            signedIn.Issuer.Should().EndWith("/", "the trailing slash is the issuer, compared byte for byte");
            auth0.AuthorizationServer.AuthorizeRequests.Single().QueryValue("audience").Should().Be(Auth0Emulation.Audience);
            auth0.AuthorizationServer.AuthorizeRequests.Single().QueryValue("prompt").Should().Be("consent");
            auth0.AuthorizationServer.RegistrationCount.Should().Be(1);
        }
    }

    [Fact]
    public async Task NoAudience_TokenRejectedRightAfterSignIn_ErrorNamesAuthParamAudience()
    {
        await using ProviderEmulation auth0 = await Auth0Emulation.StartAsync();
        using McpClientHarness client = ProviderClients.Default();

        Func<Task> act = () => client.CallAsync(auth0.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
            ex.Message.Should().Contain("AdditionalAuthorizationParameters").And.Contain("--auth-param audience=");
            client.Browser.LaunchCount.Should().Be(1, "signing in again would not help, so the client stops");
        }
    }
}
