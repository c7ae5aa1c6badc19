namespace McpOAuth.Client.Tests.Browser;

public sealed class BrowserLaunchContextTests
{
    [Fact]
    public void ToString_AuthorizationUrl_LeavesTheQueryWithStateOut()
    {
        // LOG-01: the authorization URL carries state
        var context = new BrowserLaunchContext
        {
            AuthorizationUri = new Uri("https://auth.example.com/authorize?response_type=code&state=STATE-SECRET-1&code_challenge=abc"),
            RedirectUri = new Uri("http://127.0.0.1:49152/callback"),
        };

        string text = context.ToString();

        text.Should().NotContain("STATE-SECRET-1").And.NotContain("?");
        text.Should().Contain("https://auth.example.com/authorize");
    }
}
