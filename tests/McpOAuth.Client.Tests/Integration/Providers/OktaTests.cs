using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Okta (issue 12 item 4; docs/providers.md#okta).</summary>
public sealed class OktaTests : ProviderRecipeTests
{
    private protected override Task<ProviderEmulation> StartAsync() => OktaEmulation.StartAsync();

    /// <summary>The exact redirect URI of the app registration, offline_access, and the metadata appended to the issuer path.</summary>
    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        RecordedRequest authorize = provider.AuthorizationServer.AuthorizeRequests.Single();
        authorize.QueryValue("redirect_uri").Should().Be(provider.AuthorizationServer.Clients.Single().RedirectUris.Single());
        authorize.QueryValue("scope").Should().Be("mcp:read offline_access");
        provider.AuthorizationServer.RequestsTo("/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration").Should().NotBeEmpty();
    }
}
