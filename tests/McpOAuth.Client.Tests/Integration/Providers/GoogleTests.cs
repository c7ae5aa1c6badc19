using System.Net;
using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Google (issue 12 item 4; docs/providers.md#google).</summary>
public sealed class GoogleTests
{
    [Fact]
    public async Task Recipe_SignInCallRefreshSignOut()
    {
        await using ProviderEmulation google = await GoogleEmulation.StartAsync();

        await ProviderJourney.RunAsync(google, new FakeTimeProvider());

        RecordedRequest authorize = google.AuthorizationServer.AuthorizeRequests.Single();
        authorize.QueryValue("access_type").Should().Be("offline");
        authorize.QueryValue("prompt").Should().Be("consent");
    }

    [Fact]
    public async Task WithoutTheAuthParams_SignsInButGetsNoRefreshToken()
    {
        // Google's rule: access_type=offline (and prompt=consent to get one again); the library cannot guess it.
        await using ProviderEmulation google = await GoogleEmulation.StartAsync();
        var store = new InMemoryTokenStore();
        using McpClientHarness client = google.Client(o => o.AdditionalAuthorizationParameters.Clear(), store: store);

        using HttpResponseMessage response = await client.CallAsync(google.McpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        (await store.ListAsync()).Single().RefreshToken.Should().BeNull();
    }
}
