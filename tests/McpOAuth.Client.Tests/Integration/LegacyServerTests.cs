using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>2025-03-26 servers (AUTH-15): no PRM; the MCP origin is the authorization server, when the application opts in
/// (<see cref="McpOAuthOptions.AllowLegacyDiscovery"/>, off by default since issue 10).</summary>
public sealed class LegacyServerTests : ServerPairTest
{
    private static readonly Action<McpOAuthOptions> Legacy = static o => o.AllowLegacyDiscovery = true;

    /// <summary>What a 2025-11-25 client asks a server without PRM before it falls back: the call, then both PRM locations.</summary>
    private static readonly string[] NoPrmProbes =
    [
        "POST /mcp 401",
        "GET /.well-known/oauth-protected-resource/mcp 404",
        "GET /.well-known/oauth-protected-resource 404",
    ];

    // AUTH-15, issue 10: the fallback is opt-in. By default a server without PRM fails discovery with a message naming the option,
    // and nothing is sent to its origin as if it were an authorization server.
    [Fact]
    public async Task SendAsync_NoPrmByDefault_DiscoveryFailedNamingTheOptionAndNoLegacyRequest()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthException failed = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            failed.Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
            failed.Message.Should().Contain("McpOAuthOptions.AllowLegacyDiscovery");
            mcpServer.Requests.Should().NotContain(r => r.Path.Contains("oauth-authorization-server", StringComparison.Ordinal) || r.Path == "/register");
            authorizationServer.Requests.Should().BeEmpty();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    // AUTH-15: no PRM; RFC 8414 metadata at the MCP origin (fetched with MCP-Protocol-Version) names the endpoints.
    [Fact]
    public async Task SendAsync_NoPrmButMetadataAtMcpOrigin_UsesThatMetadata()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.IssInRedirect = IssRedirectMode.Custom, o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        string mcpOrigin = mcpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        mcpServer.Options.Resource = mcpOrigin; // A 2025-03-26 credential belongs to the origin (issue 12 item 1).
        authorizationServer.Options.IssInRedirectValue = mcpOrigin; // The legacy AS is, by definition, the MCP origin.
        ServeAtMcpOrigin(mcpServer, ["/.well-known/oauth-authorization-server"], context => WriteOriginMetadataAsync(context, authorizationServer, mcpOrigin));
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, Legacy);

        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal([.. NoPrmProbes, "GET /.well-known/oauth-authorization-server 200", "POST /mcp 200"]);
            mcpServer.RequestsTo("/.well-known/oauth-authorization-server").Single().HeaderValue("MCP-Protocol-Version").Should().Be("2025-03-26");
            McpClientHarness.Describe(authorizationServer.Requests).Should().Equal("POST /register 201", "GET /authorize 302", "POST /token 200");
            authorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(mcpOrigin, "the 2025-03-26 authorization base URL discards the path");
        }
    }

    // AUTH-15: no PRM and no metadata, so the default /authorize, /token and /register at the MCP origin.
    [Fact]
    public async Task SendAsync_NoPrmNoMetadata_UsesDefaultEndpointsAtMcpOrigin()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.IssInRedirect = IssRedirectMode.Omit, o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        mcpServer.Options.Resource = mcpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        using var proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        // The MCP origin fronts the authorization server, as a 2025-03-26 deployment would.
        ServeAtMcpOrigin(mcpServer, ["/authorize", "/token", "/register"], context =>
            ForwardAsync(proxy, context, new Uri(authorizationServer.BaseUri, context.Request.Path.Value)));
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, Legacy);

        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
            [
                .. NoPrmProbes,
                "GET /.well-known/oauth-authorization-server 404",
                "POST /register 201",
                "GET /authorize 302",
                "POST /token 200",
                "POST /mcp 200",
            ]);
            authorizationServer.AuthorizeRequests.Single().QueryValue("code_challenge_method").Should().Be("S256");
        }
    }

    // Research gap 8, issue 12 item 1: an HTTP+SSE server of 2025-03-26 streams from GET /sse and takes messages at
    // POST /messages?sessionId=…. One sign-in serves both endpoints, and the next process's first call to /messages goes out
    // with the stored credential instead of starting a second sign-in.
    [Fact]
    public async Task SendAsync_HttpSseServer_StreamAndMessagesShareOneCredentialAcrossRuns()
    {
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o => o.IssInRedirect = IssRedirectMode.Custom);
        await using var sseServer = await TestMcpServer.StartAsync(authorizationServer, o =>
        {
            o.McpPath = "/sse";
            o.MetadataLocations = ProtectedResourceMetadataLocations.None;
        });
        string origin = sseServer.BaseUri.GetLeftPart(UriPartial.Authority);
        authorizationServer.Options.IssInRedirectValue = origin;
        sseServer.Options.OnRequest = context => ServeHttpSseAsync(context, authorizationServer, origin);
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(Legacy, tokenStore: store);

        using HttpResponseMessage stream = await client.Http.GetAsync(new Uri(origin + "/sse")).WaitAsync(McpClientHarness.HangGuard);
        string endpoint = (await stream.Content.ReadAsStringAsync()).Split('\n').Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        using HttpResponseMessage message = await client.PostAsync(new Uri(origin + endpoint), McpClientHarness.JsonRpc("tools/list"));
        using var nextRun = McpClientHarness.Create(o => { Legacy(o); o.AllowInteractive = false; }, tokenStore: store);
        using HttpResponseMessage nextMessage = await nextRun.PostAsync(new Uri(origin + endpoint), McpClientHarness.JsonRpc("tools/list", 2));

        using (new AssertionScope())
        {
            stream.Should().HaveStatusCode(HttpStatusCode.OK);
            message.Should().HaveStatusCode(HttpStatusCode.Accepted);
            nextMessage.Should().HaveStatusCode(HttpStatusCode.Accepted);
            authorizationServer.AuthorizeRequestCount.Should().Be(1, "one sign-in for the whole server");
            authorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(origin);
            string token = authorizationServer.IssuedAccessTokens.Single().Token;
            sseServer.RequestsTo("/messages").Select(r => r.BearerToken).Should().Equal(token, token);
            sseServer.RequestsTo("/sse").Select(r => r.BearerToken).Should().Equal(null, token);
        }
    }

    /// <summary>The HTTP+SSE transport with OAuth at the origin (2025-03-26): metadata at the root, the stream, the messages.</summary>
    private static async Task<bool> ServeHttpSseAsync(HttpContext context, TestAuthorizationServer authorizationServer, string origin)
    {
        string path = context.Request.Path.Value ?? string.Empty;
        if (path == "/.well-known/oauth-authorization-server")
        {
            await WriteOriginMetadataAsync(context, authorizationServer, origin);
            return true;
        }

        if (path is not ("/sse" or "/messages"))
        {
            return false;
        }

        string? token = context.GetRecordedRequest().BearerToken;
        if (token is null || !authorizationServer.IsAccessTokenValid(token, origin, out _))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return true;
        }

        if (path == "/sse")
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: endpoint\ndata: /messages?sessionId=session-1\n\n", context.RequestAborted);
            return true;
        }

        context.Response.StatusCode = context.Request.Query["sessionId"] == "session-1" ? StatusCodes.Status202Accepted : StatusCodes.Status404NotFound;
        return true;
    }

    /// <summary>Lets the MCP origin answer <paramref name="paths"/> itself with <paramref name="serve"/>, as the origin of a
    /// 2025-03-26 deployment does for its authorization server; every other request stays the MCP server's.</summary>
    private static void ServeAtMcpOrigin(TestMcpServer mcpServer, string[] paths, Func<HttpContext, Task> serve) =>
        mcpServer.Options.OnRequest = async context =>
        {
            if (!paths.Contains(context.Request.Path.Value ?? string.Empty))
            {
                return false;
            }

            await serve(context);
            return true;
        };

    /// <summary>The authorization server's RFC 8414 metadata, served at the MCP origin and naming <paramref name="origin"/> its
    /// issuer (a legacy authorization server is, by definition, the MCP origin).</summary>
    private static Task WriteOriginMetadataAsync(HttpContext context, TestAuthorizationServer authorizationServer, string origin)
    {
        JsonObject metadata = authorizationServer.CreateMetadataDocument();
        metadata["issuer"] = origin;
        return TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status200OK, metadata);
    }

    private static async Task ForwardAsync(HttpClient proxy, HttpContext context, Uri target)
    {
        RecordedRequest recorded = context.GetRecordedRequest();
        using var request = new HttpRequestMessage(new HttpMethod(recorded.Method), new Uri(target + recorded.QueryString));
        if (recorded.Body.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(recorded.Body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(recorded.ContentType!);
        }

        if (recorded.Authorization is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await proxy.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Headers.Location is { } location)
        {
            context.Response.Headers.Location = location.OriginalString;
        }

        if (response.Content.Headers.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType.ToString();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
