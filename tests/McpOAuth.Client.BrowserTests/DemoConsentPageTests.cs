using System.Net;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace McpOAuth.Client.BrowserTests;

/// <summary>The demo's consent page (<c>samples/McpOAuth.Demo</c>, run with <c>--serve</c> as a user would) in Chromium: the
/// library opens it, the page shows who asks for what as text, and a click on Approve or Deny decides the sign-in.</summary>
public sealed class DemoConsentPageTests(DemoServerProcess demo) : IClassFixture<DemoServerProcess>
{
    // The client names itself in dynamic registration; the consent page must show the name, not run it.
    private const string HostileClientName = "<b>x</b> & <script>alert(5)</script><img src=x onerror=alert(6)> browser test";

    [Fact]
    public async Task ConsentPage_Approve_ShowsClientAndScopesAsTextAndCompletesTheSignIn()
    {
        await using HeadlessChromium chromium = await HeadlessChromium.LaunchAsync();
        using ChromiumSignIn session = await ChromiumSignIn.StartAsync(chromium, demo.McpUri, o => o.Client.ClientName = HostileClientName);
        (Task<HttpResponseMessage> call, BrowserLaunchContext launch, IResponse? consent) = (session.Call, session.Launch, session.Page);
        string[] requestedScopes = QueryHelpers.ParseQuery(launch.AuthorizationUri.Query)["scope"].ToString().Split(' ');
        string consentScreenshot = await chromium.ScreenshotAsync("demo-consent");
        using (new AssertionScope($"the consent page ({consentScreenshot})\n{chromium.Describe()}\n{demo.Output}"))
        {
            consent.Should().NotBeNull();
            consent!.Status.Should().Be(200);
            consent.Url.Should().StartWith(demo.Issuer + "/authorize?");
            Dictionary<string, string> headers = await consent.AllHeadersAsync();
            headers.Should().ContainKey("content-security-policy").WhoseValue.Should().Contain("default-src 'none'");
            headers.Should().ContainKey("cache-control").WhoseValue.Should().Be("no-store");

            (await chromium.Page.TitleAsync()).Should().Be("Sign in to the McpOAuth demo");
            (await chromium.Page.Locator("h1").InnerTextAsync()).Should().Be("Sign in to the McpOAuth demo");

            // Who asks, for which server, as whom: the registered client name exactly as sent, as text.
            ILocator request = chromium.Page.Locator("p").First;
            (await request.TextContentAsync()).Should().Be($"{HostileClientName} wants to use the MCP server {demo.McpUri} as demo-user.");
            (await request.Locator("b").AllTextContentsAsync()).Should().Equal(HostileClientName, "demo-user");
            (await chromium.CountAsync("script, img, b b, i, svg, iframe")).Should().Be(0);

            // Which scopes: each one the library asked for, as text.
            requestedScopes.Should().Contain("mcp:tools");
            (await chromium.Page.Locator("p").Nth(1).TextContentAsync()).Should().Be("Scopes: " + string.Join(" ", requestedScopes));
            (await chromium.Page.Locator("p code").AllTextContentsAsync()).Should().Equal([demo.McpUri.AbsoluteUri, .. requestedScopes]);

            (await chromium.Page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).IsVisibleAsync()).Should().BeTrue();
            (await chromium.Page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).IsVisibleAsync()).Should().BeTrue();
        }

        IResponse callback = await ClickAndWaitForCallbackAsync(chromium, "Approve", launch);
        using HttpResponseMessage mcpResponse = await call.WaitAsync(HeadlessChromium.StepTimeout);
        string mcpBody = await mcpResponse.Content.ReadAsStringAsync().WaitAsync(HeadlessChromium.StepTimeout);

        string screenshot = await chromium.ScreenshotAsync("demo-approved");
        using (new AssertionScope($"after Approve ({screenshot})\n{chromium.Describe()}\n{demo.Output}"))
        {
            // The form was posted to the demo, whose 302 the browser followed to the library's receiver.
            callback.Request.RedirectedFrom.Should().NotBeNull();
            callback.Request.RedirectedFrom!.Method.Should().Be("POST");
            callback.Request.RedirectedFrom.Url.Should().Be(demo.Issuer + "/authorize");
            callback.Status.Should().Be(200);
            callback.Url.Should().StartWith(launch.RedirectUri.AbsoluteUri + "?code=");
            (await chromium.Page.TitleAsync()).Should().Be("Signed in");
            (await chromium.Page.Locator("body").InnerTextAsync()).Should().Contain("Authorization complete.");

            // The request that needed the sign-in reached the demo MCP server (the official SDK's server) with the token.
            mcpResponse.Should().HaveStatusCode(HttpStatusCode.OK);
            mcpBody.Should().Contain("\"mcpoauth-demo\"");

            chromium.Dialogs.Should().BeEmpty();
            chromium.Requests.Should().OnlyContain(r => ChromiumSignIn.IsLoopback(r));
        }
    }

    [Fact]
    public async Task ConsentPage_Deny_ShowsTheErrorPageAndThrows()
    {
        await using HeadlessChromium chromium = await HeadlessChromium.LaunchAsync();
        using ChromiumSignIn session = await ChromiumSignIn.StartAsync(chromium, demo.McpUri, o => o.Client.ClientName = HostileClientName);
        (Task<HttpResponseMessage> call, BrowserLaunchContext launch, IResponse? consent) = (session.Call, session.Launch, session.Page);
        consent.Should().NotBeNull();
        consent!.Status.Should().Be(200, demo.Output);

        IResponse callback = await ClickAndWaitForCallbackAsync(chromium, "Deny", launch);
        Func<Task> signIn = () => call.WaitAsync(HeadlessChromium.StepTimeout);
        McpOAuthAuthorizationException denied = (await signIn.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;

        string screenshot = await chromium.ScreenshotAsync("demo-denied");
        using (new AssertionScope($"after Deny ({screenshot})\n{chromium.Describe()}\n{demo.Output}"))
        {
            callback.Request.RedirectedFrom.Should().NotBeNull();
            callback.Request.RedirectedFrom!.Method.Should().Be("POST");
            callback.Status.Should().Be(400);
            callback.Url.Should().StartWith(launch.RedirectUri.AbsoluteUri + "?error=access_denied");
            (await chromium.Page.TitleAsync()).Should().Be("Sign-in failed");
            (await chromium.Page.Locator("h1").InnerTextAsync()).Should().Be("Sign-in failed");
            (await chromium.Page.Locator("p").TextContentAsync()).Should().Be("The authorization server returned access_denied. The sign-in was declined, so the application was not given access. You can close this tab and return to the application.");
            chromium.Dialogs.Should().BeEmpty();
            chromium.Requests.Should().OnlyContain(r => ChromiumSignIn.IsLoopback(r));

            denied.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            denied.Error.Should().Be("access_denied");
        }
    }

    /// <summary>Clicks a consent button and waits until the browser has loaded the library's callback page.</summary>
    private static async Task<IResponse> ClickAndWaitForCallbackAsync(HeadlessChromium chromium, string button, BrowserLaunchContext launch)
    {
        string redirectUri = launch.RedirectUri.AbsoluteUri;
        Task<IResponse> callback = chromium.Page.WaitForResponseAsync(r => r.Url.StartsWith(redirectUri + "?", StringComparison.Ordinal));
        await chromium.Page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        IResponse response = await callback;
        await chromium.Page.WaitForURLAsync(url => url.StartsWith(redirectUri + "?", StringComparison.Ordinal));
        await chromium.Page.WaitForLoadStateAsync(LoadState.Load);
        return response;
    }
}
