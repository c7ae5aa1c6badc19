using FluentAssertions.Execution;
using McpOAuth.Client.Tests.OidcProvider;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary><c>mcp-oauth proxy</c> against the real, pinned oidc-provider (issue 13 item 3): an SDK host over stdio, a sign-in
/// approved on oidc-provider's login and consent pages, JWT access tokens checked by signature and audience, and a real
/// refresh grant with rotation when the server stops accepting the first token mid-session.</summary>
public sealed class ProxyOidcProviderTests
{
    [Fact]
    public async Task Proxy_OidcProvider_RelaysToolsAndNotificationsAndRefreshesMidSession()
    {
        await using OidcProviderServer oidc = await OidcProviderServer.StartAsync(new OidcProviderOptions
        {
            Scopes = $"{ProtectedSdkMcpServer.ToolsScope} {ProtectedSdkMcpServer.AdminScope}",
        });
        OidcJwtValidator validator = await oidc.CreateJwtValidatorAsync();
        await using ProtectedSdkMcpServer mcp = await ProtectedSdkMcpServer.StartAsync(oidc.Issuer, (token, resource) =>
            validator.TryValidate(token, resource).Token is { Audiences: [var audience] } valid && audience == resource
                ? (valid.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                : null);
        using var browser = oidc.CreateBrowser();
        using var temp = new TempDirectory();
        await using ProxyHost host = ProxyHost.Start(mcp.Resource, temp.Path);

        McpClient client = await host.SignInAndConnectAsync(url => browser.NavigateAsync(url));
        IList<McpClientTool> tools = await client.ListToolsAsync();
        await client.CallToolAsync("notify");
        string notification = await host.NextNotificationAsync();
        mcp.ExpireTokensSeenSoFar(); // the first access token is now refused with 401 invalid_token, as after its exp
        CallToolResult echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "after refresh" });
        int? exitCode = await host.StopAsync();

        string[] accepted = [.. mcp.Requests.Where(r => r.StatusCode == 200).Select(r => r.Token!).Distinct()];
        using (new AssertionScope())
        {
            tools.Select(t => t.Name).Should().BeEquivalentTo("echo", "admin", "notify");
            notification.Should().Be(ProtectedSdkMcpServer.InCallNotification);
            echo.Content.OfType<TextContentBlock>().Should().ContainSingle().Which.Text.Should().Be("after refresh");
            accepted.Should().HaveCount(2, "one token from the sign-in, one from the refresh");
            accepted.Should().OnlyContain(t => validator.TryValidate(t, mcp.Resource).Token != null);
            host.StandardError.Split("Open this URL to sign in:").Should().HaveCount(2, "one sign-in; the second token came from a refresh");
            host.StandardError.Should().Contain("Refreshing the access token...");
            exitCode.Should().Be(0, host.StandardError);
        }
    }
}
