using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>MCP servers behind Cloudflare's workers-oauth-provider (issue 12 item 4; docs/providers.md#cloudflare).</summary>
public sealed class CloudflareTests
{
    [Fact]
    public async Task Defaults_SignInCallRefreshSignOutWithColonTokens()
    {
        // Every such server failed before: userId:grantId:secret is not an RFC 6750 b64token.
        await using ProviderEmulation cloudflare = await CloudflareEmulation.StartAsync();

        TokenSet signedIn = await ProviderJourney.RunAsync(cloudflare, new FakeTimeProvider());

        string origin = cloudflare.McpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        using (new AssertionScope())
        {
            signedIn.AccessToken.Should().StartWith("user-42:grant-").And.Contain(":at-");
            signedIn.RefreshToken.Should().StartWith("user-42:grant-");
            signedIn.Resource.Should().Be(origin, "the bare origin exactly as the resource document names it");
            cloudflare.AuthorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(origin);
            cloudflare.McpServer.McpRequests[1].Authorization.Should().Be("Bearer " + signedIn.AccessToken);
        }
    }
}
