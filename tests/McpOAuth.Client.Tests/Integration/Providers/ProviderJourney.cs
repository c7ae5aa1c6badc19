using System.Net;
using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>The journey every provider recipe must pass (issue 12 item 4): sign-in, a call the emulated MCP server accepts,
/// a refresh without a browser where the provider issues refresh tokens, and sign-out.</summary>
internal static class ProviderJourney
{
    /// <summary>Runs the journey with the recipe; returns the tokens of the sign-in for provider-specific checks.</summary>
    public static async Task<TokenSet> RunAsync(ProviderEmulation provider, FakeTimeProvider time)
    {
        var store = new InMemoryTokenStore();
        using McpClientHarness client = provider.Client(time: time, store: store);
        Uri mcp = provider.McpServer.McpUri;

        await client.CallOkAsync(mcp, "tools/list", because: () => provider.Name);

        TokenSet signedIn = (await store.ListAsync()).Should().ContainSingle().Subject;
        using (new AssertionScope(provider.Name))
        {
            client.Browser.LaunchCount.Should().Be(1);
            provider.McpServer.McpRequests[^1].BearerToken.Should().Be(signedIn.AccessToken, "the MCP server accepted the issued token");
            (signedIn.RefreshToken is not null).Should().Be(provider.IssuesRefreshTokens);
        }

        if (provider.IssuesRefreshTokens)
        {
            await RefreshAsync(provider, client, time, signedIn, store);
        }

        SignOutResult signedOut = await client.Provider.SignOutAsync(mcp).WaitAsync(McpClientHarness.HangGuard);
        using (new AssertionScope(provider.Name))
        {
            signedOut.Removed.Should().ContainSingle();
            signedOut.RevocationFailures.Should().BeEmpty();
            (await store.ListAsync()).Should().BeEmpty();
            if (provider.AuthorizationServer.Options.RevocationEnabled)
            {
                provider.AuthorizationServer.RevocationRequests.Should().NotBeEmpty().And.OnlyContain(r => r.StatusCode == 200);
            }
            else
            {
                signedOut.RevocationUnsupported.Should().ContainSingle();
            }
        }

        return signedIn;
    }

    /// <summary>The access token expires for the client (its clock only): the next call refreshes first, without a browser.</summary>
    private static async Task RefreshAsync(ProviderEmulation provider, McpClientHarness client, FakeTimeProvider time, TokenSet signedIn, InMemoryTokenStore store)
    {
        time.Advance(signedIn.ExpiresAt!.Value - time.GetUtcNow() + TimeSpan.FromSeconds(1));
        using HttpResponseMessage afterExpiry = await client.CallAsync(provider.McpServer.McpUri, "tools/list", 2);

        TokenSet refreshed = (await store.ListAsync()).Should().ContainSingle().Subject;
        using (new AssertionScope(provider.Name))
        {
            afterExpiry.Should().HaveStatusCode(HttpStatusCode.OK);
            client.Browser.LaunchCount.Should().Be(1, "a refresh needs no browser");
            provider.AuthorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            refreshed.AccessToken.Should().NotBe(signedIn.AccessToken);
            provider.McpServer.McpRequests[^1].BearerToken.Should().Be(refreshed.AccessToken);
        }
    }
}
