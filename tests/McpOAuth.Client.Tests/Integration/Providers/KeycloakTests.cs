using System.Net;
using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Keycloak (issue 12 item 4; docs/providers.md#keycloak).</summary>
public sealed class KeycloakTests : ProviderRecipeTests
{
    [Fact]
    public async Task Recipe_WithoutIssuer_StillSignsInBecauseKeycloakSendsIss()
    {
        // A public client id may stay unbound when the server sends RFC 9207 iss (docs/security.md).
        await using ProviderEmulation keycloak = await StartAsync();
        using McpClientHarness client = keycloak.Client(o => o.Client.Issuer = null);

        using HttpResponseMessage response = await client.CallAsync(keycloak.McpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    private protected override Task<ProviderEmulation> StartAsync() => KeycloakEmulation.StartAsync();

    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        provider.AuthorizationServer.RegistrationCount.Should().Be(0);
        provider.AuthorizationServer.RequestsTo("/realms/mcp/.well-known/openid-configuration").Should().NotBeEmpty();
        provider.AuthorizationServer.AuthorizeRequests.Single().QueryValue("scope").Should().Be("mcp:tools", "a pre-registered client adds offline_access itself");
    }
}
