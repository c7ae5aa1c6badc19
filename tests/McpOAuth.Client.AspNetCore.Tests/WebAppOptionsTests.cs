using System.Net;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>What <c>AddWebApp</c> configures, how bad settings are refused, and the strict network policy it turns on (T11).</summary>
public sealed class WebAppOptionsTests
{
    [Fact]
    public void AddWebApp_PublicUrlWithAPath_SetsTheRedirectUriReturnUrlAndStrictNetworkPolicy()
    {
        using ServiceProvider services = Services(o => o.PublicOrigin = new Uri("https://app.example.com/base/"));

        McpOAuthOptions options = services.GetRequiredService<IOptionsMonitor<McpOAuthOptions>>().Get("mcp");

        using (new AssertionScope())
        {
            options.Hosted.RedirectUri.Should().Be(new Uri("https://app.example.com/base/oauth/callback"));
            options.Hosted.ReturnUrl.Should().NotBeNull();
            options.Hosted.ReturnUrl!().Should().BeNull("outside a request there is nothing to return to");
            options.Network.RefusePrivateNetworks.Should().BeTrue();
        }
    }

    [Fact]
    public void AddWebApp_PrivateNetworksAllowedAndAnotherPath_Honoured()
    {
        using ServiceProvider services = Services(o => (o.PublicOrigin, o.CallbackPath, o.RefusePrivateNetworks) = (new Uri("http://localhost:8080"), "/auth/mcp", false));

        McpOAuthOptions options = services.GetRequiredService<IOptionsMonitor<McpOAuthOptions>>().Get("mcp");

        options.Hosted.RedirectUri.Should().Be(new Uri("http://localhost:8080/auth/mcp"));
        options.Network.RefusePrivateNetworks.Should().BeFalse();
    }

    [Theory]
    [InlineData(null, "/oauth/callback", "PublicOrigin")]
    [InlineData("http://app.example.com", "/oauth/callback", "PublicOrigin")]
    [InlineData("https://app.example.com/?x=1", "/oauth/callback", "PublicOrigin")]
    [InlineData("https://user:pw@app.example.com", "/oauth/callback", "PublicOrigin")]
    [InlineData("https://app.example.com", "oauth/callback", "CallbackPath")]
    [InlineData("https://app.example.com", "//evil.example.com/cb", "CallbackPath")]
    [InlineData("https://app.example.com", "/cb?x=1", "CallbackPath")]
    public void AddWebApp_BadSetting_RefusedWithItsName(string? origin, string path, string member)
    {
        using ServiceProvider services = Services(o => (o.PublicOrigin, o.CallbackPath) = (origin is null ? null : new Uri(origin), path));

        Action act = () => services.GetRequiredService<IOptionsMonitor<McpOAuthOptions>>().Get("mcp");

        act.Should().Throw<OptionsValidationException>().WithMessage($"*{member}*");
    }

    [Fact]
    public void UseMcpOAuth_WithoutAddWebApp_ThrowsSayingWhatToCall()
    {
        var app = new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());

        Action act = () => app.UseMcpOAuth();

        act.Should().Throw<InvalidOperationException>().WithMessage("*AddWebApp*");
    }

    [Fact]
    public async Task Tools_StrictPolicyByDefault_RefusesAnAuthorizationServerOnLoopback()
    {
        // A remote MCP server that points the application at its internal network (SSRF): refused before any request.
        await using WebAppRig rig = await WebAppRig.StartAsync(s => s.OAuth = o => o.Network.AllowedHosts.Clear());
        var (servers, app, browser) = rig;

        using HttpResponseMessage response = await browser.GetAsync(app, "/tools", "alice");

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.InternalServerError, "a refused discovery is an error, not a sign-in");
            servers.AuthorizationServer.Requests.Should().BeEmpty();
            servers.McpServer.Requests.Should().OnlyContain(r => r.Path == "/mcp", "the metadata fetch was refused at connect time");
        }
    }

    private static ServiceProvider Services(Action<McpOAuthWebAppOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddMcpOAuth("mcp", o => o.ServerUri = new Uri("https://mcp.example.com/mcp")).AddWebApp(configure);
        return services.BuildServiceProvider();
    }
}
