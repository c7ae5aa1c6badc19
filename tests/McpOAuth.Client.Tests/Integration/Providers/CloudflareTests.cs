using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>MCP servers behind Cloudflare's workers-oauth-provider (issue 12 item 4; docs/providers.md#cloudflare): the
/// defaults are the recipe.</summary>
public sealed class CloudflareTests : ProviderRecipeTests
{
    private protected override Task<ProviderEmulation> StartAsync() => CloudflareEmulation.StartAsync();

    /// <summary>Every such server failed before: userId:grantId:secret is not an RFC 6750 b64token; and the resource is the
    /// bare origin.</summary>
    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        string origin = provider.McpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        signedIn.AccessToken.Should().StartWith("user-42:grant-").And.Contain(":at-");
        signedIn.RefreshToken.Should().StartWith("user-42:grant-");
        signedIn.Resource.Should().Be(origin, "the bare origin exactly as the resource document names it");
        provider.AuthorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(origin);
        provider.McpServer.McpRequests[1].Authorization.Should().Be("Bearer " + signedIn.AccessToken);
    }
}
