using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Auth0 (issue 12 item 4; docs/providers.md#auth0).</summary>
public sealed class Auth0Tests : ProviderRecipeTests
{
    private protected override Task<ProviderEmulation> StartAsync() => Auth0Emulation.StartAsync();

    /// <summary>A dynamic client, the audience on the authorization request, and the issuer's trailing slash kept.</summary>
    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        RecordedRequest authorize = provider.AuthorizationServer.AuthorizeRequests.Single();
        signedIn.Issuer.Should().EndWith("/", "the trailing slash is the issuer, compared byte for byte");
        authorize.QueryValue("audience").Should().Be(Auth0Emulation.Audience);
        authorize.QueryValue("prompt").Should().Be("consent");
        provider.AuthorizationServer.RegistrationCount.Should().Be(1);
    }
}
