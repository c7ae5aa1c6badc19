using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The DI path: AddMcpOAuth with named options plus AddMcpOAuthHandler on the HttpClient of the same name.</summary>
public sealed class DependencyInjectionTests : ServerPairTest
{
    [Fact]
    public async Task AddMcpOAuthHandler_NamedClient_SignsInAndSharesTokenAcrossClients()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var browser = new ScriptedBrowser();
        var services = new ServiceCollection();
        services.AddMcpOAuth("mcp", o =>
        {
            o.LaunchBrowser = (context, cancellationToken) => browser.LaunchAsync(context.AuthorizationUri, cancellationToken);
            o.AuthorizationTimeout = TimeSpan.FromSeconds(20);
        });

        // The backchannel takes its timeout from the default options, not the named ones (see McpClientHarness.MaxHttpTimeout).
        services.Configure<McpOAuthOptions>(o => o.HttpTimeout = McpClientHarness.MaxHttpTimeout);
        services.AddHttpClient("mcp").AddMcpOAuthHandler();
        await using ServiceProvider provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        using (HttpClient first = factory.CreateClient("mcp"))
        using (HttpResponseMessage signIn = await first.SendAsync(McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("initialize"))).WaitAsync(McpClientHarness.HangGuard))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        using HttpClient second = factory.CreateClient("mcp");

        using HttpResponseMessage response = await second.SendAsync(McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/list", 2))).WaitAsync(McpClientHarness.HangGuard);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200", "POST /mcp 200");
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
            browser.LaunchCount.Should().Be(1);
            authorizationServer.TokenRequests.Should().ContainSingle();
        }
    }

    [Fact]
    public void AddMcpOAuth_NamedOptionsCompletedByPostConfigure_TheNamedProviderSeesThem()
    {
        // The handler picks the provider by the names given to AddMcpOAuth, however their options were configured.
        var services = new ServiceCollection();
        services.AddMcpOAuth("a", o => o.ServerUri = new Uri("https://a.example.com/mcp"));
        services.PostConfigure<McpOAuthOptions>("a", o => o.MaxAuthorizationAttempts = 1);
        services.AddMcpOAuth(o => o.MaxAuthorizationAttempts = 5);
        using ServiceProvider provider = services.BuildServiceProvider();

        using (new AssertionScope())
        {
            provider.GetRequiredKeyedService<IMcpOAuthProvider>("a").MaxAuthorizationAttempts.Should().Be(1);
            provider.GetRequiredService<IMcpOAuthProvider>().MaxAuthorizationAttempts.Should().Be(5);
        }
    }
}
