using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>GitHub (issue 12 item 4; docs/providers.md#github).</summary>
public sealed class GitHubTests
{
    [Fact]
    public async Task Recipe_SignInCallSignOut()
    {
        await using ProviderEmulation github = await GitHubEmulation.StartAsync();

        TokenSet signedIn = await ProviderJourney.RunAsync(github, new FakeTimeProvider());

        RecordedRequest exchange = github.AuthorizationServer.TokenRequests.Single();
        using (new AssertionScope())
        {
            exchange.HeaderValue("Accept").Should().Contain("application/json", "GitHub answers form-encoded otherwise");
            exchange.FormValue("client_secret").Should().Be(GitHubEmulation.ClientSecret);
            signedIn.Scopes.Should().Equal(["repo", "read:org"], "GitHub's comma-separated scope is split");
            signedIn.ExpiresAt.Should().BeNull("an OAuth app's token does not expire");
            signedIn.TokenType.Should().Be("Bearer");
        }
    }

    [Fact]
    public async Task NoClientId_ErrorNamesClientIdSecretAndIssuer()
    {
        await using ProviderEmulation github = await GitHubEmulation.StartAsync();
        using McpClientHarness client = ProviderClients.Default(o => o.RequirePkceMetadata = false);

        Func<Task> act = () => client.CallAsync(github.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        ex.Message.Should().Contain("--client-id").And.Contain("--client-secret-env").And.Contain("--issuer");
    }

    [Fact]
    public async Task WrongSecret_ErrorUnderHttp200IsAnErrorNotATokenResponse()
    {
        // TOK-04: GitHub reports token errors with HTTP 200
        await using ProviderEmulation github = await GitHubEmulation.StartAsync();
        using McpClientHarness client = github.Client(o => o.Client.ClientSecret = "wrong-secret-000000");

        Func<Task> act = () => client.CallAsync(github.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Error.Should().Be("invalid_client");
        ex.Message.Should().NotContain("wrong-secret-000000");
        github.AuthorizationServer.TokenRequests.Single().StatusCode.Should().Be(200);
    }
}
