using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Keycloak (issue 12 item 4; docs/providers.md#keycloak).</summary>
public sealed class KeycloakTests
{
    [Fact]
    public async Task Recipe_SignInCallRefreshSignOut()
    {
        await using ProviderEmulation keycloak = await KeycloakEmulation.StartAsync();

        await ProviderJourney.RunAsync(keycloak, new FakeTimeProvider());

        using (new AssertionScope())
        {
            keycloak.AuthorizationServer.RegistrationCount.Should().Be(0);
            keycloak.AuthorizationServer.RequestsTo("/realms/mcp/.well-known/openid-configuration").Should().NotBeEmpty();
            keycloak.AuthorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("mcp:tools", "a pre-registered client adds offline_access itself");
        }
    }

    [Fact]
    public async Task Recipe_WithoutIssuer_StillSignsInBecauseKeycloakSendsIss()
    {
        // A public client id may stay unbound when the server sends RFC 9207 iss (docs/security.md).
        await using ProviderEmulation keycloak = await KeycloakEmulation.StartAsync();
        using McpClientHarness client = keycloak.Client(o => o.Client.Issuer = null);

        using HttpResponseMessage response = await client.CallAsync(keycloak.McpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task DynamicRegistrationRefusedByTrustedHosts_ErrorNamesClientId()
    {
        await using ProviderEmulation keycloak = await KeycloakEmulation.StartAsync();
        using McpClientHarness client = ProviderClients.Default();

        Func<Task> act = () => client.CallAsync(keycloak.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
            ex.Message.Should().Contain("HTTP 403").And.Contain("Trusted Hosts").And.Contain("--client-id").And.Contain("Client.ClientId");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }
}
