using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>GitHub (issue 12 item 4; docs/providers.md#github): no refresh tokens, so the journey is sign-in, call, sign-out.</summary>
public sealed class GitHubTests : ProviderRecipeTests
{
    [Fact]
    public async Task WrongSecret_ErrorUnderHttp200IsAnErrorNotATokenResponse()
    {
        // TOK-04: GitHub reports token errors with HTTP 200
        await using ProviderEmulation github = await StartAsync();
        using McpClientHarness client = github.Client(o => o.Client.ClientSecret = "wrong-secret-000000");

        McpOAuthException ex = await client.CallFailsAsync<McpOAuthException>(github);

        ex.Error.Should().Be("invalid_client");
        ex.Message.Should().NotContain("wrong-secret-000000");
        github.AuthorizationServer.TokenRequests.Single().StatusCode.Should().Be(200);
    }

    private protected override Task<ProviderEmulation> StartAsync() => GitHubEmulation.StartAsync();

    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn)
    {
        RecordedRequest exchange = provider.AuthorizationServer.TokenRequests.Single();
        exchange.HeaderValue("Accept").Should().Contain("application/json", "GitHub answers form-encoded otherwise");
        exchange.FormValue("client_secret").Should().Be(GitHubEmulation.ClientSecret);
        signedIn.Scopes.Should().Equal(["repo", "read:org"], "GitHub's comma-separated scope is split");
        signedIn.ExpiresAt.Should().BeNull("an OAuth app's token does not expire");
        signedIn.TokenType.Should().Be("Bearer");
    }
}
