using System.Net;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.13, scope and consent (T19, T24).</summary>
public sealed class ScopeCatalogueTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_UserDenied_TheNextRequestsFailWithoutABrowserUntilTheCooldownEnds()
    {
        // SCOPE-02: access_denied is remembered for the cooldown; requests meanwhile fail at once with the same typed denial
        // and open no browser page; after it, a request may ask the user again.
        var time = new FakeTimeProvider();
        await using var servers = await DenyingAsync(time);
        using var client = McpClientHarness.Create(timeProvider: time);
        Func<Task> call = () => client.CallAsync(servers.McpServer.McpUri, "tools/list");

        McpOAuthAuthorizationException first = (await call.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        McpOAuthAuthorizationException again = (await call.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        time.Advance(TimeSpan.FromSeconds(30));
        McpOAuthAuthorizationException stillCooling = (await call.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        int launchesDuringCooldown = client.Browser.LaunchCount;
        servers.AuthorizationServer.Options.AuthorizeError = null;
        time.Advance(TimeSpan.FromSeconds(31));

        using HttpResponseMessage afterCooldown = await client.CallAsync(servers.McpServer.McpUri, "tools/list", 2);

        using (new AssertionScope())
        {
            first.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            again.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            stillCooling.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            again.Error.Should().Be("access_denied");
            launchesDuringCooldown.Should().Be(1, "no browser page while the denial is remembered");
            afterCooldown.Should().HaveStatusCode(HttpStatusCode.OK);
            client.Browser.LaunchCount.Should().Be(2);
        }
    }

    [Fact]
    public async Task SignInAsync_DuringTheCooldown_AsksTheUserAgain()
    {
        // SCOPE-02: an explicit sign-in is the application asking again, so the remembered denial does not block it.
        var time = new FakeTimeProvider();
        await using var servers = await DenyingAsync(time);
        using var client = McpClientHarness.Create(timeProvider: time);
        await FluentActions.Awaiting(() => client.CallAsync(servers.McpServer.McpUri, "tools/list")).Should().ThrowAsync<McpOAuthAuthorizationException>();
        servers.AuthorizationServer.Options.AuthorizeError = null;

        TokenSet tokens = await client.Provider.SignInAsync(servers.McpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        using HttpResponseMessage response = await client.CallAsync(servers.McpServer.McpUri, "tools/list", 2);

        using (new AssertionScope())
        {
            tokens.AccessToken.Should().NotBeNullOrEmpty();
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            client.Browser.LaunchCount.Should().Be(2);
        }
    }

    [Fact]
    public async Task SendAsync_ConcurrentRequestsWhenTheUserDenies_OneBrowserPageForAllOfThem()
    {
        // SCOPE-02 with T24: requests queued behind the sign-in the user declined share its answer instead of each opening a page.
        const int Count = 5;
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.AuthorizeError = "access_denied", o => o.OnMcpRequest = ChallengeBarrier.HoldUntil(Count));
        using var client = McpClientHarness.Create();

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(1, Count).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id))];
        await Task.WhenAll(calls).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            calls.Should().OnlyContain(c => c.IsFaulted && c.Exception!.InnerException is McpOAuthAuthorizationException);
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    /// <summary>An authorization server whose user declines, and its MCP server, both on <paramref name="time"/>.</summary>
    private static Task<ServerPair> DenyingAsync(FakeTimeProvider time) =>
        ServerPair.StartAsync(time, o => o.AuthorizeError = "access_denied");
}
