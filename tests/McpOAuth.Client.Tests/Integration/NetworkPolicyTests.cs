using System.Net;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 10 items 0 and 2: where the backchannel may connect and that it never follows a redirect, whatever handler an
/// application supplies (NET-01..NET-05, T11). Names are resolved by a test resolver that returns the hostile addresses.</summary>
public sealed class NetworkPolicyTests : ServerPairTest
{
    [Fact]
    public async Task Connect_NameResolvingToLoopbackUnderTheStrictPolicy_RefusedWithoutConnecting()
    {
        // NET-01 / NET-03: the addresses are checked when the connection is made, from the one resolution used to connect.
        await using var server = await TestAuthorizationServer.StartAsync();
        int resolutions = 0;
        var strict = new ConnectPolicy(refusePrivateNetworks: true, [], (_, _) =>
        {
            Interlocked.Increment(ref resolutions);
            return ValueTask.FromResult(new[] { IPAddress.Loopback });
        });
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler(strict));

        Func<Task> act = () => client.GetAsync(new Uri($"http://rebind.test:{server.BaseUri.Port}/.well-known/oauth-authorization-server"));

        (await act.Should().ThrowAsync<HttpRequestException>()).Which.Message.Should().Contain("strict network policy").And.Contain("AllowedHosts");
        using (new AssertionScope())
        {
            server.Requests.Should().BeEmpty("no connection was made");
            resolutions.Should().Be(1, "one resolution, checked and used: no window between check and connect");
        }
    }

    // NET-01, strict policy: an allow-listed name is reached though it resolves to a private address (the allow-list is the
    // only way there). NET-01, default policy: a name that also resolves to 169.254.169.254 never reaches it; the default policy keeps loopback
    // for development, and the connection goes to the loopback answer.
    [Theory]
    [InlineData(true, "dev.test", "dev.test", "127.0.0.1")]
    [InlineData(false, null, "mixed.test", "169.254.169.254,127.0.0.1")]
    public async Task Connect_NameThePolicyLetsThrough_ConnectsOnlyToTheAllowedAddress(bool strict, string? allowListed, string host, string resolvesTo)
    {
        await using var server = await TestAuthorizationServer.StartAsync();
        IPAddress[] answer = [.. resolvesTo.Split(',').Select(IPAddress.Parse)];
        var policy = new ConnectPolicy(refusePrivateNetworks: strict, allowListed is null ? [] : [allowListed], (_, _) => ValueTask.FromResult(answer));
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler(policy));

        using HttpResponseMessage response = await client.GetAsync(new Uri($"http://{host}:{server.BaseUri.Port}{server.OAuthMetadataUri.AbsolutePath}"));

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Connect_ThroughAProxy_TheTargetIsCheckedNotOnlyTheProxy()
    {
        // NET-01, Issue 10 item 0: with HTTPS_PROXY set, the connection goes to the proxy; the metadata address behind it is still refused.
        await using var proxy = await TestAuthorizationServer.StartAsync();
        SocketsHttpHandler handler = BackchannelFactory.CreatePrimaryHandler(ConnectPolicy.Default);
        handler.Proxy = new WebProxy(proxy.BaseUri);
        handler.UseProxy = true;
        using var client = new HttpClient(handler);

        Func<Task> act = () => client.GetAsync(new Uri("http://169.254.169.254/latest/meta-data/"));

        await act.Should().ThrowAsync<HttpRequestException>();
        proxy.Requests.Should().BeEmpty("the proxy was never asked to fetch the metadata address");
    }

    [Fact]
    public async Task SendAsync_StrictPolicyWithoutAnAllowList_RefusesTheLoopbackServersItWouldOtherwiseUse()
    {
        // NET-01: the strict policy refuses loopback servers unless allow-listed
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var refused = McpClientHarness.Create(o => o.Network.RefusePrivateNetworks = true);
        using var allowed = McpClientHarness.Create(o =>
        {
            o.Network.RefusePrivateNetworks = true;
            o.Network.AllowedHosts.Add("127.0.0.1");
        });

        Func<Task> act = () => refused.CallAsync(mcpServer.McpUri, "tools/list");
        using HttpResponseMessage response = await allowed.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public void Create_ApplicationHandlerThatFollowsRedirects_SwitchedOff()
    {
        // NET-05: a replaced primary handler (say, for a proxy) must not re-enable redirects.
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = true };

        using var provider = (IDisposable)McpOAuthProviderFactory.Create(new McpOAuthOptions(), backchannelHandler: new PassThrough { InnerHandler = handler });

        handler.AllowAutoRedirect.Should().BeFalse();
    }

    [Fact]
    public async Task AddMcpOAuth_ApplicationReplacesThePrimaryHandler_RedirectsStillOff()
    {
        // NET-05 with DI: an application's primary handler does not re-enable redirects
        var services = new ServiceCollection();
        services.AddMcpOAuth();
        services.AddHttpClient(McpOAuthDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false });
        await using ServiceProvider container = services.BuildServiceProvider();

        HttpMessageHandler handler = container.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(McpOAuthDefaults.BackchannelHttpClientName);

        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        handler.Should().BeOfType<SocketsHttpHandler>().Which.AllowAutoRedirect.Should().BeFalse();
    }

    [Fact]
    public async Task TokenRequest_HandlerThatFollowedA307_ResponseRefused()
    {
        // NET-05 whatever the handler: an answer that came from another URL is never used.
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var redirecting = new RedirectFollower(new Uri(authorizationServer.Issuer + "/elsewhere")) { InnerHandler = new SocketsHttpHandler() };
        using var client = McpClientHarness.Create(backchannelHandler: redirecting);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
        authorizationServer.TokenRequests.Should().BeEmpty();
    }

    private sealed class PassThrough : DelegatingHandler;

    /// <summary>A careless handler that "follows" every POST to another URL, the way an auto-redirect would.</summary>
    private sealed class RedirectFollower(Uri target) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                request.RequestUri = target;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
