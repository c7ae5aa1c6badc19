using System.Net;
using FluentAssertions.Execution;
using Microsoft.Playwright;

namespace McpOAuth.Client.BrowserTests;

/// <summary>The library's own pages, served by its loopback callback receiver, as a person sees them in Chromium: the sign-in
/// runs through the browser (authorization URL → the authorization server's 302 → the loopback callback), and the page
/// says what happened, with what the authorization server sent shown as text, never as markup.</summary>
public sealed class CallbackPageTests
{
    private const string HostileMarkup = "<img src=x onerror=alert(1)><script>alert(1)</script>";

    // Every tag the hostile inputs below could have created, had they been parsed as HTML.
    private const string InjectableElements = "script, img, svg, iframe, object, embed, a, form, input, b, i, link, meta[http-equiv], body style";

    [Fact]
    public async Task SignIn_ThroughChromium_ShowsSuccessPageAndTheMcpRequestSucceeds()
    {
        await using HeadlessChromium chromium = await HeadlessChromium.LaunchAsync();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using ChromiumSignIn session = await ChromiumSignIn.StartAsync(chromium, mcpServer.McpUri);
        (Task<HttpResponseMessage> call, BrowserLaunchContext launch, IResponse? page) = (session.Call, session.Launch, session.Page);

        using HttpResponseMessage mcpResponse = await call.WaitAsync(HeadlessChromium.StepTimeout);

        page.Should().NotBeNull();
        string screenshot = await chromium.ScreenshotAsync("callback-success");
        Dictionary<string, string> headers = await page!.AllHeadersAsync();
        using (new AssertionScope($"the success page ({screenshot})\n{chromium.Describe()}"))
        {
            // The browser itself went to the authorization server, followed its 302 and landed on the library's receiver.
            page.Url.Should().StartWith(launch.RedirectUri.AbsoluteUri + "?code=");
            page.Request.RedirectedFrom.Should().NotBeNull();
            page.Request.RedirectedFrom!.Url.Should().StartWith(authorizationServer.AuthorizationEndpoint.AbsoluteUri + "?");
            (await page.Request.RedirectedFrom.ResponseAsync())!.Status.Should().Be(302);
            page.Status.Should().Be(200);

            // What the person reads.
            (await chromium.Page.TitleAsync()).Should().Be("Signed in");
            (await chromium.Page.Locator("h1").InnerTextAsync()).Should().Be("Signed in");
            (await chromium.Page.Locator("body").InnerTextAsync()).Should()
                .Contain("Authorization complete. You can close this tab and return to the application.");

            // The response headers, as Chromium received them.
            headers.Should().ContainKey("content-type").WhoseValue.Should().Be("text/html; charset=utf-8");
            headers.Should().ContainKey("content-security-policy").WhoseValue.Should().Contain("default-src 'none'");
            headers.Should().ContainKey("cache-control").WhoseValue.Should().Be("no-store");
            headers.Should().ContainKey("referrer-policy").WhoseValue.Should().Be("no-referrer");
            headers.Should().ContainKey("x-content-type-options").WhoseValue.Should().Be("nosniff");

            // The page is static: no script, nothing loaded from elsewhere, no dialog; the browser talked to loopback only.
            (await chromium.CountAsync("script, img, iframe, link, form")).Should().Be(0);
            chromium.Dialogs.Should().BeEmpty();
            chromium.Requests.Should().OnlyContain(r => ChromiumSignIn.IsLoopback(r));

            // The request that needed the sign-in went through with the token the browser's code was exchanged for.
            mcpResponse.Should().HaveStatusCode(HttpStatusCode.OK);
            session.Launcher.LaunchCount.Should().Be(1);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
        }
    }

    public static TheoryData<string, string, string?, string> ErrorResponses => new()
    {
        // name, error, error_description, the sentence the page must show, as text
        { "callback-error-hostile-description", "access_denied", HostileMarkup, $"The authorization server returned access_denied: {HostileMarkup} The sign-in was declined, so the application was not given access. You can close this tab and return to the application." },
        {
            "callback-error-hostile-quotes-and-entities", "access_denied",
            "\"><svg onload=alert(2)></svg><a href=\"javascript:alert(3)\">x</a> &amp; &lt;b&gt;not bold&lt;/b&gt; ' \"",
            "The authorization server returned access_denied: \"><svg onload=alert(2)></svg><a href=\"javascript:alert(3)\">x</a> &amp; &lt;b&gt;not bold&lt;/b&gt; ' \" The sign-in was declined, so the application was not given access. You can close this tab and return to the application."
        },
        { "callback-error-hostile-code", "<b>bold</b><img src=x onerror=alert(4)>", null, "The authorization server returned <b>bold</b><img src=x onerror=alert(4)>. The sign-in did not complete. You can close this tab and return to the application." },
        { "callback-error-unicode", "access_denied", "Zugriff verweigert – naïve café ✓ 日本語 + plus", "The authorization server returned access_denied: Zugriff verweigert – naïve café ✓ 日本語 + plus The sign-in was declined, so the application was not given access. You can close this tab and return to the application." },
    };

    [Theory]
    [MemberData(nameof(ErrorResponses))]
    public async Task SignIn_AuthorizationServerReturnsError_ShowsItAsTextAndThrows(string name, string error, string? description, string expectedText)
    {
        await using HeadlessChromium chromium = await HeadlessChromium.LaunchAsync();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
        {
            o.AuthorizeError = error;
            o.AuthorizeErrorDescription = description;
        });
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using ChromiumSignIn session = await ChromiumSignIn.StartAsync(chromium, mcpServer.McpUri);
        (Task<HttpResponseMessage> call, BrowserLaunchContext launch, IResponse? page) = (session.Call, session.Launch, session.Page);

        Func<Task> signIn = () => call.WaitAsync(HeadlessChromium.StepTimeout);
        McpOAuthAuthorizationException denied = (await signIn.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;

        // An onerror or onload handler would have run by now; give it a moment anyway before looking for dialogs.
        await chromium.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        string screenshot = await chromium.ScreenshotAsync(name);
        using (new AssertionScope($"the error page ({screenshot})\n{chromium.Describe()}"))
        {
            page.Should().NotBeNull();
            page!.Url.Should().StartWith(launch.RedirectUri.AbsoluteUri + "?");
            page.Status.Should().Be(400);
            (await page.AllHeadersAsync()).Should().ContainKey("content-security-policy").WhoseValue.Should().Contain("default-src 'none'");

            // The page says what happened...
            (await chromium.Page.TitleAsync()).Should().Be("Sign-in failed");
            (await chromium.Page.Locator("h1").InnerTextAsync()).Should().Be("Sign-in failed");

            // ...with the authorization server's words as text: the exact characters are in the DOM's text...
            (await chromium.Page.Locator("p").TextContentAsync()).Should().Be(expectedText);
            (await chromium.Page.Locator("body").InnerTextAsync()).Should().Contain(expectedText);

            // ...and none of them became an element, a script or a dialog.
            (await chromium.CountAsync(InjectableElements)).Should().Be(0);
            (await chromium.ElementNamesAsync()).Should().Equal("html", "head", "meta", "title", "style", "body", "h1", "p");
            chromium.Dialogs.Should().BeEmpty();
            chromium.Requests.Should().OnlyContain(r => ChromiumSignIn.IsLoopback(r));

            // The library reports the denial, with the server's words kept as they were.
            denied.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            denied.Error.Should().Be(error);
            denied.ErrorDescription.Should().Be(description);
            authorizationServer.TokenRequests.Should().BeEmpty();
        }
    }
}
