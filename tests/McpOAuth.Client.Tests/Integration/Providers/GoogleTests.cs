using System.Net;
using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Google (issue 12 item 4; docs/providers.md#google).</summary>
public sealed class GoogleTests : ProviderRecipeTests
{
    [Fact]
    public async Task WithoutTheAuthParams_SignsInButGetsNoRefreshToken()
    {
        // Google's rule: access_type=offline (and prompt=consent to get one again); the library cannot guess it.
        await using ProviderEmulation google = await StartAsync();
        var store = new InMemoryTokenStore();
        using McpClientHarness client = google.Client(o => o.AdditionalAuthorizationParameters.Clear(), store: store);

        using HttpResponseMessage response = await client.CallAsync(google.McpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        (await store.ListAsync()).Single().RefreshToken.Should().BeNull();
    }

    private protected override Task<ProviderEmulation> StartAsync() => GoogleEmulation.StartAsync();

    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        RecordedRequest authorize = provider.AuthorizationServer.AuthorizeRequests.Single();
        authorize.QueryValue("access_type").Should().Be("offline");
        authorize.QueryValue("prompt").Should().Be("consent");
    }
}
