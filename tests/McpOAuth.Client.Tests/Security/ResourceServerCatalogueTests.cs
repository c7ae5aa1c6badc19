using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.8, the handler and resource binding (T8, T9, T22, T24): which requests carry which token.</summary>
public sealed class ResourceServerCatalogueTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_TwoResourcesOnOneOriginBehindOneAuthorizationServer_EachPathGetsOnlyItsOwnToken()
    {
        // RS-01 (same origin, another resource path): /a/mcp and /b/mcp share the origin, the AS and the HttpClient.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var serverA = await TestMcpServer.StartAsync(authorizationServer, o => o.McpPath = "/a/mcp");
        var resourceB = new SecondResource(serverA, authorizationServer, "/b/mcp");
        using var client = McpClientHarness.Create();

        foreach (Uri uri in new[] { serverA.McpUri, resourceB.Uri, serverA.McpUri, resourceB.Uri, serverA.McpUri })
        {
            using HttpResponseMessage response = await client.CallAsync(uri, "tools/list");
            response.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        string tokenA = authorizationServer.IssuedAccessTokens.Single(t => t.Resource == serverA.Resource).Token;
        string tokenB = authorizationServer.IssuedAccessTokens.Single(t => t.Resource == resourceB.Resource).Token;
        using (new AssertionScope())
        {
            serverA.McpRequests.Select(r => r.BearerToken).Should().Equal(null, tokenA, tokenA, tokenA);
            serverA.RequestsTo("/b/mcp").Select(r => r.BearerToken).Should().Equal(null, tokenB, tokenB);
            authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("resource")).Should().Equal(serverA.Resource, resourceB.Resource);
        }
    }

    [Theory]
    [InlineData(StatusCodes.Status302Found)]
    [InlineData(StatusCodes.Status307TemporaryRedirect)]
    public async Task SendAsync_HttpsResourceRedirectsToPlainHttp_NotFollowedAndTheTokenStaysOnHttps(int status)
    {
        // RS-04: an https MCP server redirects to http; the pipeline (with auto-redirect on, as HttpClient's default is) does
        // not follow it, so the http sink sees nothing, and the handler does not answer the redirect with a token.
        await using var sink = await TestMcpServer.StartAsync(null, o => o.RequireAuthorization = false);
        await using var tls = await TlsLoopbackServer.StartAsync(TlsLoopbackServer.CreateCertificate(), context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = sink.McpUri.AbsoluteUri;
            return Task.CompletedTask;
        });
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        var transport = new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false };
        transport.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => tls.TrustsOnly(certificate, errors);
        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = transport });

        using HttpResponseMessage response = await client.PostAsync(new Uri(tls.Origin + "/mcp"), new StringContent("{}")).WaitAsync(TestTimeouts.Default);

        using (new AssertionScope())
        {
            ((int)response.StatusCode).Should().Be(status, "the redirect is returned to the caller, not followed");
            sink.Requests.Should().BeEmpty();
            tls.Requests.Should().ContainSingle().Which.Authorization.Should().Be("Bearer AT-1");
            provider.Challenges.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_EveryRequestOfAnMcpSession_CarriesTheCurrentTokenAcrossARefresh()
    {
        // RS-07: POST, the GET stream, its resumption with Last-Event-ID and the DELETE all carry Authorization, and after a
        // mid-session refresh every one of them carries the new token.
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o => o.AccessTokenLifetime = TimeSpan.FromMinutes(2), o => o.SessionId = "session-1");
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time);

        await SessionRequestsAsync(client, mcpServer.McpUri);
        time.Advance(TimeSpan.FromMinutes(3));

        await SessionRequestsAsync(client, mcpServer.McpUri);

        string[] tokens = [.. authorizationServer.IssuedAccessTokens.Select(t => t.Token)];
        RecordedRequest[] session = [.. mcpServer.McpRequests.Skip(2)];
        using (new AssertionScope())
        {
            tokens.Should().HaveCount(2, "one sign-in, one refresh");
            session.Select(r => r.Method).Should().Equal("POST", "GET", "GET", "DELETE", "POST", "GET", "GET", "DELETE");
            session.Take(4).Should().OnlyContain(r => r.BearerToken == tokens[0]);
            session.Skip(4).Should().OnlyContain(r => r.BearerToken == tokens[1]);
            session.Where(r => r.Method == "GET").Select(r => r.HeaderValue("Last-Event-ID")).Should().Equal(null, "event-7", null, "event-7");
            session.Should().OnlyContain(r => r.StatusCode != StatusCodes.Status401Unauthorized);
        }
    }

    [Fact]
    public async Task SendAsync_ThousandParallelRequestsWhileASignInHoldsTheServersGate_AllServedFromMemory()
    {
        // RS-13: with a valid token, 1,000 parallel requests make no authorization server call and take no lock: they all
        // complete while another sign-in for the same server holds its gate (waiting in the browser).
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        client.Browser.Mode = ScriptedBrowserMode.CaptureOnly;
        _ = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);
        using var abandon = new CancellationTokenSource();
        Task<TokenSet> holdingTheGate = client.Provider.SignInAsync(mcpServer.McpUri, cancellationToken: abandon.Token);
        _ = await client.Browser.WaitForLaunchAsync().WaitAsync(McpClientHarness.HangGuard);
        _ = await client.Browser.WaitForLaunchAsync().WaitAsync(McpClientHarness.HangGuard);
        int authorizationServerCalls = authorizationServer.Requests.Count;
        int before = mcpServer.McpRequests.Count;

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(10, 1000).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        bool signInStillWaiting = !holdingTheGate.IsCompleted;
        await abandon.CancelAsync();
        await FluentActions.Awaiting(() => holdingTheGate).Should().ThrowAsync<OperationCanceledException>();
        try
        {
            using (new AssertionScope())
            {
                signInStillWaiting.Should().BeTrue("the gate was held the whole time");
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                authorizationServer.Requests.Count.Should().Be(authorizationServerCalls, "the hot path makes no authorization server call");
                mcpServer.McpRequests.Skip(before).Should().HaveCount(1000).And.OnlyContain(r => r.BearerToken == token);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    private static async Task SessionRequestsAsync(McpClientHarness client, Uri mcp)
    {
        await client.CallOkAsync(mcp, "tools/list", 2);

        foreach (string? lastEventId in new[] { null, "event-7" })
        {
            using var stream = new HttpRequestMessage(HttpMethod.Get, mcp);
            stream.Headers.Accept.ParseAdd("text/event-stream");
            stream.Headers.Add("Mcp-Session-Id", "session-1");
            if (lastEventId is not null)
            {
                stream.Headers.Add("Last-Event-ID", lastEventId);
            }

            using HttpResponseMessage response = await client.Http.SendAsync(stream).WaitAsync(McpClientHarness.HangGuard);
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, mcp);
        delete.Headers.Add("Mcp-Session-Id", "session-1");
        using HttpResponseMessage deleted = await client.Http.SendAsync(delete).WaitAsync(McpClientHarness.HangGuard);
        deleted.Should().HaveStatusCode(HttpStatusCode.NoContent);
    }

    /// <summary>A second protected resource served by the first server's origin, with its own PRM and token binding.</summary>
    private sealed class SecondResource
    {
        public SecondResource(TestMcpServer host, TestAuthorizationServer authorizationServer, string path)
        {
            Uri = new Uri(host.BaseUri.GetLeftPart(UriPartial.Authority) + path);
            Resource = Uri.AbsoluteUri;
            string metadataPath = "/.well-known/oauth-protected-resource" + path;
            host.Options.OnRequest = async context =>
            {
                string requestPath = context.Request.Path.Value ?? string.Empty;
                if (requestPath == metadataPath)
                {
                    await TestAuthorizationServer.WriteJsonAsync(context, 200, new JsonObject
                    {
                        ["resource"] = Resource,
                        ["authorization_servers"] = new JsonArray(authorizationServer.Issuer),
                    });
                    return true;
                }

                if (requestPath != path)
                {
                    return false;
                }

                string? token = context.GetRecordedRequest().BearerToken;
                if (token is null || !authorizationServer.IsAccessTokenValid(token, Resource, out _))
                {
                    context.Response.StatusCode = 401;
                    context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{host.BaseUri.GetLeftPart(UriPartial.Authority)}{metadataPath}\"";
                    return true;
                }

                await TestAuthorizationServer.WriteJsonAsync(context, 200, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = new JsonObject() });
                return true;
            };
        }

        public Uri Uri { get; }

        public string Resource { get; }
    }
}
