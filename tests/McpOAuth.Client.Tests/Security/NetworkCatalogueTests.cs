using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.3, NET-01..NET-06 (T11, T12): where the backchannel may connect, what it never follows, and
/// which certificates it never accepts, end to end against loopback servers.</summary>
public sealed class NetworkCatalogueTests : ServerPairTest
{
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("[fd00::1]")]
    [InlineData("[fe80::1]")]
    public async Task SendAsync_StrictPolicyAndPrmNamingAnInternalAddress_RefusedBeforeConnecting(string host)
    {
        // NET-01: authorization_servers of a server the policy lets through point inside; refused at connect, nothing else runs.
        var clock = new RetryClock(new ObservableTimeProvider());
        await using var mcpServer = await TestMcpServer.StartAsync(null, o => o.AuthorizationServers = [$"https://{host}"]);
        using var client = McpClientHarness.Create(StrictExcept("127.0.0.1"), timeProvider: clock.Time);

        McpOAuthException refused = await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"));

        using (new AssertionScope())
        {
            refused.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
            refused.InnerException.Should().BeOfType<HttpRequestException>().Which.Message.Should().Contain("SSRF");
            client.Browser.LaunchCount.Should().Be(0);
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal("POST /mcp 401", "GET /.well-known/oauth-protected-resource/mcp 200");
        }
    }

    [Theory]
    [InlineData("token_endpoint", "https://192.168.1.1/token")]
    [InlineData("token_endpoint", "https://[fe80::1]/token")]
    [InlineData("registration_endpoint", "https://10.0.0.1/register")]
    public async Task SendAsync_StrictPolicyAndMetadataEndpointAtAnInternalAddress_NothingIsPostedThere(string member, string endpoint)
    {
        // NET-01: endpoints in the (allowed) authorization server's metadata point inside; the POST never connects.
        var clock = new RetryClock(new ObservableTimeProvider());
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.MutateMetadata = m => m[member] = endpoint);
        using var client = McpClientHarness.Create(StrictExcept("127.0.0.1"), timeProvider: clock.Time);

        McpOAuthException refused = await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"));

        using (new AssertionScope())
        {
            refused.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
            refused.InnerException!.Message.Should().Contain("SSRF");
            authorizationServer.TokenRequests.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("https://2852039166/latest/meta-data/")]
    [InlineData("https://0xA9FEA9FE/latest/meta-data/")]
    [InlineData("https://0251.0376.0251.0376/latest/meta-data/")]
    [InlineData("https://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/latest/meta-data/")]
    public async Task Connect_MetadataAddressInAnotherEncoding_Refused(string url)
    {
        // NET-02: decimal, hex, octal and IPv4-mapped spellings of 169.254.169.254 are the same address to the policy.
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler(ConnectPolicy.Default));

        Func<Task> act = () => client.GetAsync(new Uri(url));

        (await act.Should().ThrowAsync<HttpRequestException>()).Which.Message.Should().Contain("SSRF");
    }

    [Theory]
    [InlineData("http://2852039166")]
    [InlineData("http://0xA9FEA9FE")]
    [InlineData("http://0251.0376.0251.0376")]
    [InlineData("http://[::ffff:169.254.169.254]")]
    public async Task SendAsync_PrmNamingAnEncodedMetadataAddressOverHttp_RefusedWithoutAnyRequest(string issuer)
    {
        // NET-02 through discovery: plain http to a non-loopback host is never an OAuth endpoint, whatever the encoding.
        await using var mcpServer = await TestMcpServer.StartAsync(null, o => o.AuthorizationServers = [issuer]);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task Connect_DnsAnswerChangesBetweenConnections_EachConnectionGoesOnlyWhereItsOwnAnswerWasChecked()
    {
        // NET-03: a rebinding resolver alternates loopback (allowed here) and 169.254.169.254; the answer that is checked is the
        // one connected to, so no connection ever reaches the metadata address and each allowed one reaches the server.
        await using var server = await TestAuthorizationServer.StartAsync();
        int resolutions = 0;
        var policy = new ConnectPolicy(refusePrivateNetworks: false, [], (_, _) =>
            ValueTask.FromResult(Interlocked.Increment(ref resolutions) % 2 == 1 ? [IPAddress.Loopback] : new[] { IPAddress.Parse("169.254.169.254") }));
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler(policy));
        var outcomes = new List<string>();

        for (int i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://rebind.test:{server.BaseUri.Port}{server.OAuthMetadataUri.AbsolutePath}");
            request.Headers.ConnectionClose = true;
            try
            {
                using HttpResponseMessage response = await client.SendAsync(request);
                outcomes.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException ex) when (ex.Message.Contains("SSRF", StringComparison.Ordinal))
            {
                outcomes.Add("refused");
            }
        }

        using (new AssertionScope())
        {
            outcomes.Should().Equal("200", "refused", "200", "refused", "200", "refused");
            resolutions.Should().Be(6, "one resolution per connection, and it is the one checked");
            server.Requests.Should().HaveCount(3);
        }
    }

    [Fact]
    public async Task SendAsync_StrictPolicyAndAuthorizationServerNameResolvingInside_RefusedAndNothingConnects()
    {
        // NET-03 through the provider: the only resolution of a server-chosen name happens at connect time, where it is refused;
        // the listener behind the loopback answer never sees a connection.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = new RetryClock(new ObservableTimeProvider());
        var asked = new List<string>();
        var policy = new ConnectPolicy(refusePrivateNetworks: true, ["127.0.0.1"], (host, _) =>
        {
            lock (asked)
            {
                asked.Add(host);
            }

            return ValueTask.FromResult(new[] { IPAddress.Loopback });
        });
        await using var mcpServer = await TestMcpServer.StartAsync(null, o => o.AuthorizationServers = [$"https://rebind.test:{port}"]);
        using var client = McpClientHarness.Create(timeProvider: clock.Time, backchannelHandler: BackchannelFactory.CreatePrimaryHandler(policy));

        (await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"))).Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);

        using (new AssertionScope())
        {
            asked.Should().NotBeEmpty().And.OnlyContain(h => h == "rebind.test");
            listener.Pending().Should().BeFalse("no connection was made to the address the name resolved to");
        }
    }

    [Theory]
    [InlineData(StatusCodes.Status302Found, "prm")]
    [InlineData(StatusCodes.Status307TemporaryRedirect, "prm")]
    [InlineData(StatusCodes.Status302Found, "as")]
    [InlineData(StatusCodes.Status308PermanentRedirect, "as")]
    public async Task SendAsync_DiscoveryGetAnswersWithARedirect_NotFollowed(int status, string which)
    {
        // NET-04: a metadata GET redirected elsewhere (here a recording sink, standing for http://169.254.169.254/) is not followed.
        var clock = new RetryClock(new ObservableTimeProvider());
        await using var sink = await TestAuthorizationServer.StartAsync();
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.MetadataLocations = ProtectedResourceMetadataLocations.PathAware);
        Func<HttpContext, Task<bool>> redirect = context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = sink.OAuthMetadataUri.AbsoluteUri;
            return Task.FromResult(true);
        };
        if (which == "prm")
        {
            mcpServer.Options.OnMetadataRequest = redirect;
        }
        else
        {
            authorizationServer.Options.OnMetadataRequest = redirect;
        }

        using var client = McpClientHarness.Create(timeProvider: clock.Time);

        await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"));

        using (new AssertionScope())
        {
            sink.Requests.Should().BeEmpty("the redirect target is never contacted");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Theory]
    [InlineData(StatusCodes.Status307TemporaryRedirect, false)]
    [InlineData(StatusCodes.Status308PermanentRedirect, false)]
    [InlineData(StatusCodes.Status307TemporaryRedirect, true)]
    [InlineData(StatusCodes.Status308PermanentRedirect, true)]
    public async Task SendAsync_TokenEndpointRedirectsTheCodeExchange_CodeAndVerifierNeverRePosted(int status, bool applicationHandlerFollowsRedirects)
    {
        // NET-05: the 307/308 is not followed, with the library's handler or with an application's that would follow it.
        await using var sink = await TestAuthorizationServer.StartAsync();
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.OnTokenRequest = context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = sink.TokenEndpoint.AbsoluteUri;
            return Task.FromResult(true);
        });
        using var applicationHandler = new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false };
        using var client = McpClientHarness.Create(backchannelHandler: applicationHandlerFollowsRedirects ? applicationHandler : null);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        await act.Should().ThrowAsync<McpOAuthException>();
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().ContainSingle("the code is posted once, to the token endpoint");
            sink.Requests.Should().BeEmpty("no code, verifier or client credential reaches the redirect target");
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_TokenEndpointRedirectsTheRefresh_RefreshTokenNeverRePosted()
    {
        // NET-05 for the refresh token: a 308 on the refresh POST is not followed, and the login is kept.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var sink = await TestAuthorizationServer.StartAsync();
        var redirect = new LaterAnswer(context =>
        {
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = sink.TokenEndpoint.AbsoluteUri;
            return Task.CompletedTask;
        });
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
            o.OnTokenRequest = redirect.HandleAsync;
        });
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(timeProvider: time, tokenStore: store);
        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        redirect.SwitchOn();
        time.Advance(TimeSpan.FromMinutes(3));

        Func<Task> act = () => client.Provider.GetAccessTokenAsync(mcpServer.McpUri).AsTask();

        await act.Should().ThrowAsync<McpOAuthException>();
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            sink.Requests.Should().BeEmpty();
            (await store.ListAsync()).Should().ContainSingle("a refused redirect is no reason to drop the login");
        }
    }

    [Theory]
    [InlineData("self-signed", "UntrustedRoot")]
    [InlineData("expired", "NotTimeValid")]
    [InlineData("wrong-host", "RemoteCertificateNameMismatch")]
    public async Task SendAsync_AuthorizationServerCertificateNotTrusted_ConnectionFailsAndNothingIsSent(string kind, string reason)
    {
        // NET-06: the default backchannel validates certificates; nothing in the library switches that off.
        var clock = new RetryClock(new ObservableTimeProvider());
        await using var tls = await TlsLoopbackServer.StartAsync(
            TlsLoopbackServer.CreateCertificate(expired: kind == "expired", host: kind == "wrong-host" ? "other.example" : "127.0.0.1"),
            context => context.Response.WriteAsync("{}"));
        await using var mcpServer = await TestMcpServer.StartAsync(null, o => o.AuthorizationServers = [tls.Origin]);
        using var client = McpClientHarness.Create(timeProvider: clock.Time);

        McpOAuthException failed = await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"));

        using (new AssertionScope())
        {
            failed.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
            failed.InnerException.Should().BeOfType<HttpRequestException>().Which.InnerException.Should().BeOfType<AuthenticationException>()
                .Which.Message.Should().Contain(reason, "each certificate is refused for its own defect, not only for being untrusted");
            tls.Requests.Should().BeEmpty("no request crosses a failed handshake");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task CreatePrimaryHandler_AnyPolicy_NoCertificateCallbackAndTheServerIsReachableOnlyWhenTrusted()
    {
        // NET-06: no bypass flag by default; and the server above is a working https server, refused only for its certificate.
        await using var tls = await TlsLoopbackServer.StartAsync(TlsLoopbackServer.CreateCertificate(), context => context.Response.WriteAsync("{}"));
        using SocketsHttpHandler library = BackchannelFactory.CreatePrimaryHandler(ConnectPolicy.Default);
        using SocketsHttpHandler strict = BackchannelFactory.CreatePrimaryHandler(new ConnectPolicy(refusePrivateNetworks: true, ["127.0.0.1"]));
        using var trusting = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => tls.TrustsOnly(c, e) } });

        using HttpResponseMessage response = await trusting.GetAsync(new Uri(tls.Origin + "/probe"));

        using (new AssertionScope())
        {
            library.SslOptions.RemoteCertificateValidationCallback.Should().BeNull();
            strict.SslOptions.RemoteCertificateValidationCallback.Should().BeNull();
            response.Should().HaveStatusCode(HttpStatusCode.OK);
        }
    }

    private static Action<McpOAuthOptions> StrictExcept(string host) => o =>
    {
        o.Network.RefusePrivateNetworks = true;
        o.Network.AllowedHosts.Add(host);
    };
}
