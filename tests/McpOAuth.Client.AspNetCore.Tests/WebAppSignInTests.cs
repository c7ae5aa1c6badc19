using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, item 3: a hosted web application's sign-in through McpOAuth.Client.AspNetCore, in process on real
/// Kestrel against the loopback authorization and MCP servers. The browser is sent to the authorization server and back to
/// the application's callback (on any instance), which completes only the sign-in of the user who started it, once.</summary>
public sealed class WebAppSignInTests
{
    [Fact]
    public async Task Tools_UserWithoutAToken_RedirectsToTheAuthorizationServerThenBackToTheRequestedPage()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        var (servers, app, browser) = rig;

        using HttpResponseMessage first = await browser.GetAsync(app, "/tools?page=1", "alice");
        Uri callback = await TestBrowser.ApproveAsync(first.Headers.Location!);
        using HttpResponseMessage completed = await browser.GetAsync(app.Route(callback), "alice");
        using HttpResponseMessage tools = await browser.GetAsync(app, completed.Headers.Location!.OriginalString, "alice");

        using (new AssertionScope())
        {
            first.Should().HaveStatusCode(HttpStatusCode.Redirect);
            first.Headers.CacheControl!.NoStore.Should().BeTrue();
            first.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(servers.AuthorizationServer.AuthorizationEndpoint.AbsoluteUri);
            first.Headers.Location.Query.Should().Contain("redirect_uri=" + Uri.EscapeDataString("http://127.0.0.1:5999/oauth/callback"));
            callback.GetLeftPart(UriPartial.Path).Should().Be("http://127.0.0.1:5999/oauth/callback");
            completed.Should().HaveStatusCode(HttpStatusCode.Redirect);
            completed.Headers.Location!.OriginalString.Should().Be("/tools?page=1", "the return URL is the local page that needed the sign-in");
            tools.Should().HaveStatusCode(HttpStatusCode.OK);
            (await tools.Content.ReadAsStringAsync()).Should().Contain(ToolsPerToken.ToolOf(servers.AuthorizationServer.IssuedAccessTokens.Single().Token));
        }
    }

    [Fact]
    public async Task Tools_ApiCallerWithoutAToken_GetsAJson401NamingTheAuthorizationUrl()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        var (servers, app, browser) = rig;

        using HttpResponseMessage response = await browser.GetAsync(app, "/tools", "alice", accept: "application/json");

        JsonObject body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
            body["error"]!.GetValue<string>().Should().Be("sign_in_required");
            new Uri(body["authorization_uri"]!.GetValue<string>()).GetLeftPart(UriPartial.Path).Should().Be(servers.AuthorizationServer.AuthorizationEndpoint.AbsoluteUri);
            response.Headers.Location.Should().BeNull();
        }
    }

    [Fact]
    public async Task Callback_OnAnotherInstance_CompletesAndBothInstancesServeTheUser()
    {
        await using var servers = await WebAppServers.StartAsync();
        var pending = new InMemoryPendingAuthorizationStore();
        var tokens = new InMemoryTokenStore();
        await using var instanceA = await TestWebApp.StartAsync(servers.McpServer, s => (s.Pending, s.Tokens) = (pending, tokens));
        await using var instanceB = await TestWebApp.StartAsync(servers.McpServer, s => (s.Pending, s.Tokens) = (pending, tokens));
        using var browser = new TestBrowser();

        using HttpResponseMessage started = await browser.GetAsync(instanceA, "/tools", "alice");
        Uri callback = await TestBrowser.ApproveAsync(started.Headers.Location!);
        using HttpResponseMessage completed = await browser.GetAsync(instanceB.Route(callback), "alice");
        using HttpResponseMessage onB = await browser.GetAsync(instanceB, "/tools", "alice");
        using HttpResponseMessage onA = await browser.GetAsync(instanceA, "/tools", "alice");

        string tool = ToolsPerToken.ToolOf(servers.AuthorizationServer.IssuedAccessTokens.Single().Token);
        using (new AssertionScope())
        {
            completed.Should().HaveStatusCode(HttpStatusCode.Redirect);
            onB.Should().HaveStatusCode(HttpStatusCode.OK);
            (await onB.Content.ReadAsStringAsync()).Should().Contain(tool);
            onA.Should().HaveStatusCode(HttpStatusCode.OK, "instance A picks up the stored token on its 401");
            (await onA.Content.ReadAsStringAsync()).Should().Contain(tool);
            servers.AuthorizationServer.TokenRequests.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Tools_TwoUsers_EachRequestCarriesOnlyItsOwnUsersToken()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        var (servers, app, browser) = rig;
        await SignInAsync(browser, app, "alice");
        await SignInAsync(browser, app, "bob");

        using HttpResponseMessage alice = await browser.GetAsync(app, "/tools", "alice");
        using HttpResponseMessage bob = await browser.GetAsync(app, "/tools", "bob");

        IReadOnlyList<IssuedAccessToken> issued = servers.AuthorizationServer.IssuedAccessTokens;
        using (new AssertionScope())
        {
            issued.Should().HaveCount(2);
            (await alice.Content.ReadAsStringAsync()).Should().Contain(ToolsPerToken.ToolOf(issued[0].Token)).And.NotContain(ToolsPerToken.ToolOf(issued[1].Token));
            (await bob.Content.ReadAsStringAsync()).Should().Contain(ToolsPerToken.ToolOf(issued[1].Token)).And.NotContain(ToolsPerToken.ToolOf(issued[0].Token));
        }
    }

    [Fact]
    public async Task Callback_BobWithAlicesState_Refused400AndNoCodeIsExchanged()
    {
        // Login CSRF / session swap: alice's callback, sent by bob's browser, completes nothing for bob.
        await using WebAppRig rig = await WebAppRig.StartAsync();

        await ApprovedCallbackShouldBeRefusedAsync(rig, startedBy: "alice", returnedBy: "bob", HttpStatusCode.BadRequest);

        using HttpResponseMessage bobTools = await rig.Browser.GetAsync(rig.App, "/tools", "bob");
        bobTools.Should().HaveStatusCode(HttpStatusCode.Redirect, "bob still has no token");
    }

    [Fact]
    public async Task Callback_Replayed_Refused400()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        var (servers, app, browser) = rig;
        Uri callback = await SignInAsync(browser, app, "alice");

        using HttpResponseMessage replay = await browser.GetAsync(app.Route(callback), "alice");

        await ShouldBeRefusedAsync(replay, HttpStatusCode.BadRequest, callback);
        servers.AuthorizationServer.TokenRequests.Should().ContainSingle("a replayed code is never sent again");
    }

    [Fact]
    public async Task Callback_AfterThePendingLifetime_Refused400()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WebAppRig rig = await WebAppRig.StartAsync(s => (s.Time, s.Pending) = (time, new InMemoryPendingAuthorizationStore(time)), time: time);

        await ApprovedCallbackShouldBeRefusedAsync(rig, "alice", "alice", HttpStatusCode.BadRequest, beforeCallback: () => time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Callback_ResponseWithAnotherIssuer_Refused400()
    {
        // RFC 9207: a response whose iss names another authorization server (mix-up) is refused before any exchange.
        await using WebAppRig rig = await WebAppRig.StartAsync();
        rig.Servers.AuthorizationServer.Options.IssInRedirect = IssRedirectMode.Custom;
        rig.Servers.AuthorizationServer.Options.IssInRedirectValue = "https://evil.example.com";

        await ApprovedCallbackShouldBeRefusedAsync(rig, "alice", "alice", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Callback_UserDeclined_Refused403WithoutTheServersText()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        rig.Servers.AuthorizationServer.Options.AuthorizeError = "access_denied";
        rig.Servers.AuthorizationServer.Options.AuthorizeErrorDescription = "<script>SERVER-TEXT-1</script>";

        string page = await ApprovedCallbackShouldBeRefusedAsync(rig, "alice", "alice", HttpStatusCode.Forbidden);

        page.Should().NotContain("SERVER-TEXT-1").And.NotContain("access_denied");
    }

    [Fact]
    public async Task Callback_AnonymousUser_CanNeverCompleteASignIn()
    {
        // An anonymous request has a partition of its own: the callback, anonymous too, arrives in another one and is refused.
        await using WebAppRig rig = await WebAppRig.StartAsync();

        await ApprovedCallbackShouldBeRefusedAsync(rig, startedBy: null, returnedBy: null, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Callback_ReturnUrlToAnotherSite_RedirectsToTheRootInstead()
    {
        // No open redirect: only a local path recorded at the start is followed.
        await using WebAppRig rig = await WebAppRig.StartAsync(s => s.OAuth = o => o.Hosted.ReturnUrl = () => "//evil.example.com/phish");
        var (_, app, browser) = rig;

        Uri callback = await StartAndApproveAsync(browser, app, "alice");
        using HttpResponseMessage completed = await browser.GetAsync(app.Route(callback), "alice");

        completed.Should().HaveStatusCode(HttpStatusCode.Redirect);
        completed.Headers.Location!.OriginalString.Should().Be("/");
    }

    [Fact]
    public async Task Middleware_SignInRequiredWrappedByAnotherException_StillRedirects()
    {
        await using WebAppRig rig = await WebAppRig.StartAsync();
        var (_, app, browser) = rig;

        using HttpResponseMessage response = await browser.GetAsync(app, "/wrapped", "alice");

        response.Should().HaveStatusCode(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsoluteUri.Should().Be("https://as.example.com/authorize?state=s");
    }

    internal static async Task<Uri> StartAndApproveAsync(TestBrowser browser, TestWebApp app, string? user)
    {
        using HttpResponseMessage started = await browser.GetAsync(app, "/tools", user);
        started.Should().HaveStatusCode(HttpStatusCode.Redirect);
        return await TestBrowser.ApproveAsync(started.Headers.Location!);
    }

    /// <summary>Signs a user in through the whole redirect flow; returns the callback URL that completed it.</summary>
    internal static async Task<Uri> SignInAsync(TestBrowser browser, TestWebApp app, string user)
    {
        Uri callback = await StartAndApproveAsync(browser, app, user);
        using HttpResponseMessage completed = await browser.GetAsync(app.Route(callback), user);
        completed.Should().HaveStatusCode(HttpStatusCode.Redirect);
        return callback;
    }

    /// <summary>Starts a sign-in as <paramref name="startedBy"/> and approves it at the authorization server, runs
    /// <paramref name="beforeCallback"/>, then follows the callback as <paramref name="returnedBy"/>: it must be refused with
    /// <paramref name="status"/> (see <see cref="ShouldBeRefusedAsync"/>) and no code exchanged. Returns the refusal page.</summary>
    private static async Task<string> ApprovedCallbackShouldBeRefusedAsync(
        WebAppRig rig, string? startedBy, string? returnedBy, HttpStatusCode status, Action? beforeCallback = null)
    {
        var (servers, app, browser) = rig;
        Uri callback = await StartAndApproveAsync(browser, app, startedBy);
        beforeCallback?.Invoke();

        using HttpResponseMessage refused = await browser.GetAsync(app.Route(callback), returnedBy);

        await ShouldBeRefusedAsync(refused, status, callback);
        servers.AuthorizationServer.TokenRequests.Should().BeEmpty("a refused callback exchanges no code");
        return await refused.Content.ReadAsStringAsync();
    }

    /// <summary>A refused callback: the status, a fixed page, and nothing of the callback's code or state echoed.</summary>
    internal static async Task ShouldBeRefusedAsync(HttpResponseMessage response, HttpStatusCode status, Uri callback)
    {
        string page = await response.Content.ReadAsStringAsync();
        string? code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"];
        string? state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"];
        response.Should().HaveStatusCode(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        response.Headers.Location.Should().BeNull();
        page.Should().StartWith("<!DOCTYPE html>");
        foreach (string? secret in new[] { code, state })
        {
            if (secret is not null)
            {
                page.Should().NotContain(secret);
            }
        }
    }
}
