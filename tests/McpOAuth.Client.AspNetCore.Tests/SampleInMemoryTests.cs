using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, item 5: the web-app sample's exact interface, as a real process without <c>--redis</c> (everything in
/// memory, one instance), against the loopback authorization and MCP servers; tools are listed through the MCP SDK.</summary>
public sealed class SampleInMemoryTests
{
    private static readonly Uri PublicUrl = new("http://127.0.0.1:5998/");

    [Fact]
    public async Task Sample_UserSignsInListsToolsAndSignsOut()
    {
        await using var servers = await WebAppServers.StartAsync();
        await using var sample = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri);
        using var alice = new SampleBrowser();
        await alice.LoginAsync(sample, "alice");

        using HttpResponseMessage api = await alice.GetAsync(sample, "/tools", accept: "application/json");
        using HttpResponseMessage started = await alice.GetAsync(sample, "/tools");
        Uri callback = await TestBrowser.ApproveAsync(started.Headers.Location!);
        using HttpResponseMessage completed = await alice.GetAsync(sample.Route(callback));
        using HttpResponseMessage tools = await alice.GetAsync(sample, "/tools");
        JsonNode? page = JsonNode.Parse(await tools.Content.ReadAsStringAsync());
        using HttpResponseMessage logout = await alice.GetAsync(sample, "/logout-mcp");
        using HttpResponseMessage afterLogout = await alice.GetAsync(sample, "/tools");

        string token = servers.AuthorizationServer.IssuedAccessTokens.Single().Token;
        using (new AssertionScope(sample.Output))
        {
            api.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            JsonNode.Parse(await api.Content.ReadAsStringAsync())!["error"]!.GetValue<string>().Should().Be("sign_in_required");
            started.Should().HaveStatusCode(HttpStatusCode.Redirect);
            started.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(servers.AuthorizationServer.AuthorizationEndpoint.AbsoluteUri);
            callback.GetLeftPart(UriPartial.Path).Should().Be(PublicUrl.AbsoluteUri + "oauth/callback");
            completed.Should().HaveStatusCode(HttpStatusCode.Redirect);
            completed.Headers.Location!.OriginalString.Should().Be("/tools");
            tools.Should().HaveStatusCode(HttpStatusCode.OK);
            page!.ToJsonString().Should().Be(ToolsPage("alice", token));
            logout.Should().HaveStatusCode(HttpStatusCode.OK);
            servers.AuthorizationServer.RevocationRequests.Should().NotBeEmpty("logout-mcp revokes at the authorization server");
            servers.AuthorizationServer.IsAccessTokenValid(token, servers.McpServer.Resource, out _).Should().BeFalse();
            afterLogout.Should().HaveStatusCode(HttpStatusCode.Redirect, "the credential is gone: a new sign-in starts");
        }
    }

    [Fact]
    public async Task Sample_AnotherUsersStateAndAReplay_RefusedAndEachUserSeesOnlyTheirOwnTools()
    {
        await using var servers = await WebAppServers.StartAsync();
        await using var sample = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri);
        using var alice = new SampleBrowser();
        using var bob = new SampleBrowser();
        await alice.LoginAsync(sample, "alice");
        await bob.LoginAsync(sample, "bob");
        Uri aliceFirstCallback = await StartAndApproveAsync(alice, sample);

        using HttpResponseMessage bobWithAlicesState = await bob.GetAsync(sample.Route(aliceFirstCallback));
        Uri aliceCallback = await StartAndApproveAsync(alice, sample);
        using HttpResponseMessage aliceCompleted = await alice.GetAsync(sample.Route(aliceCallback));
        using HttpResponseMessage replay = await alice.GetAsync(sample.Route(aliceCallback));
        using HttpResponseMessage bobCompleted = await bob.GetAsync(sample.Route(await StartAndApproveAsync(bob, sample)));
        string aliceTools = await (await alice.GetAsync(sample, "/tools")).Content.ReadAsStringAsync();
        string bobTools = await (await bob.GetAsync(sample, "/tools")).Content.ReadAsStringAsync();

        IReadOnlyList<IssuedAccessToken> issued = servers.AuthorizationServer.IssuedAccessTokens;
        using (new AssertionScope(sample.Output))
        {
            await WebAppSignInTests.ShouldBeRefusedAsync(bobWithAlicesState, HttpStatusCode.BadRequest, aliceCallback);
            aliceCompleted.Should().HaveStatusCode(HttpStatusCode.Redirect);
            await WebAppSignInTests.ShouldBeRefusedAsync(replay, HttpStatusCode.BadRequest, aliceCallback);
            bobCompleted.Should().HaveStatusCode(HttpStatusCode.Redirect);
            issued.Should().HaveCount(2);
            aliceTools.Should().Be(ToolsPage("alice", issued[0].Token));
            bobTools.Should().Be(ToolsPage("bob", issued[1].Token));
        }
    }

    /// <summary>The sample's /tools page (JSON) for <paramref name="user"/>, whose MCP calls carry <paramref name="token"/>.</summary>
    internal static string ToolsPage(string user, string token) => $$"""{"user":"{{user}}","tools":["{{ToolsPerToken.ToolOf(token)}}"]}""";

    /// <summary>GET /tools without a token (302 to the authorization server), then approval there: the callback URL.</summary>
    internal static async Task<Uri> StartAndApproveAsync(SampleBrowser browser, SampleProcess instance)
    {
        using HttpResponseMessage started = await browser.GetAsync(instance, "/tools");
        started.Should().HaveStatusCode(HttpStatusCode.Redirect);
        return await TestBrowser.ApproveAsync(started.Headers.Location!);
    }
}
