using System.Net;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The real loopback listener, driven by the scripted browser with forged and replayed callbacks.</summary>
public sealed partial class CallbackTests : ServerPairTest
{
    // CB-03, AUTH-36: a callback with a forged state is refused and does not end the sign-in; the real one completes it.
    [Fact]
    public async Task SendAsync_ForgedCallbackBeforeRealOne_IgnoresForgeryAndCompletes()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = McpClientHarness.Create();
        client.Browser.Mode = ScriptedBrowserMode.CaptureOnly;
        Task<HttpResponseMessage> call = client.CallAsync(mcpServer.McpUri, "initialize");
        Uri authorizationUri = await client.Browser.WaitForLaunchAsync().WaitAsync(McpClientHarness.HangGuard);
        Uri callback = await client.Browser.AuthorizeAsync(authorizationUri).WaitAsync(McpClientHarness.HangGuard);
        var forged = new Uri(StateParameter().Replace(callback.AbsoluteUri, "state=forged-state"));
        BrowserNavigation forgery = await client.Browser.DeliverCallbackAsync(forged).WaitAsync(McpClientHarness.HangGuard);

        BrowserNavigation genuine = await client.Browser.DeliverCallbackAsync(callback).WaitAsync(McpClientHarness.HangGuard);

        using HttpResponseMessage response = await call.WaitAsync(McpClientHarness.HangGuard);
        using (new AssertionScope())
        {
            forgery.CallbackStatusCode.Should().Be(HttpStatusCode.BadRequest);
            genuine.CallbackStatusCode.Should().Be(HttpStatusCode.OK);
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
        }
    }

    // CB-05, CB-20: once the sign-in is over the listener is gone, so a replayed callback reaches nothing and no second
    // code exchange happens.
    [Fact]
    public async Task SendAsync_CallbackReplayedAfterSignIn_ListenerClosedAndCodeExchangedOnce()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        BrowserNavigation navigation = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);

        Func<Task> replay = () => client.Browser.DeliverCallbackAsync(navigation.CallbackUri!).WaitAsync(McpClientHarness.HangGuard);

        await replay.Should().ThrowAsync<HttpRequestException>();
        authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
    }

    [GeneratedRegex("state=[^&]*")]
    private static partial Regex StateParameter();
}
