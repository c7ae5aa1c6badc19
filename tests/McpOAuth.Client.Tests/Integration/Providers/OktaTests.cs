using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Okta (issue 12 item 4; docs/providers.md#okta).</summary>
public sealed class OktaTests
{
    [Fact]
    public async Task Recipe_SignInCallRefreshSignOut()
    {
        await using ProviderEmulation okta = await OktaEmulation.StartAsync();

        await ProviderJourney.RunAsync(okta, new FakeTimeProvider());

        RecordedRequest authorize = okta.AuthorizationServer.AuthorizeRequests.Single();
        using (new AssertionScope())
        {
            authorize.QueryValue("redirect_uri").Should().Be(okta.AuthorizationServer.Clients.Single().RedirectUris.Single());
            authorize.QueryValue("scope").Should().Be("mcp:read offline_access");
            okta.AuthorizationServer.RequestsTo("/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration").Should().NotBeEmpty();
        }
    }

    [Fact]
    public async Task DynamicRegistrationWithoutApiToken_ErrorNamesClientId()
    {
        await using ProviderEmulation okta = await OktaEmulation.StartAsync();
        using McpClientHarness client = ProviderClients.Default();

        Func<Task> act = () => client.CallAsync(okta.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
        ex.Message.Should().Contain("HTTP 401").And.Contain("--client-id").And.Contain("--issuer");
        client.Browser.LaunchCount.Should().Be(0);
    }
}
