using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>2025-03-26 servers (AUTH-15): no PRM; the MCP origin is the authorization server.</summary>
public sealed class LegacyServerTests
{
    // AUTH-15: no PRM; RFC 8414 metadata at the MCP origin (fetched with MCP-Protocol-Version) names the endpoints.
    [Fact]
    public async Task SendAsync_NoPrmButMetadataAtMcpOrigin_UsesThatMetadata()
    {
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o => o.IssInRedirect = IssRedirectMode.Custom);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        string mcpOrigin = mcpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        mcpServer.Options.Resource = mcpOrigin; // A 2025-03-26 credential belongs to the origin (issue 12 item 1).
        authorizationServer.Options.IssInRedirectValue = mcpOrigin; // The legacy AS is, by definition, the MCP origin.
        mcpServer.Options.OnRequest = async context =>
        {
            if (context.Request.Path != "/.well-known/oauth-authorization-server")
            {
                return false;
            }

            JsonObject metadata = authorizationServer.CreateMetadataDocument();
            metadata["issuer"] = mcpOrigin;
            await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status200OK, metadata);
            return true;
        };
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
                "POST /mcp 401",
                "GET /.well-known/oauth-protected-resource/mcp 404",
                "GET /.well-known/oauth-protected-resource 404",
                "GET /.well-known/oauth-authorization-server 200",
                "POST /mcp 200");
            mcpServer.RequestsTo("/.well-known/oauth-authorization-server").Single().HeaderValue("MCP-Protocol-Version").Should().Be("2025-03-26");
            McpClientHarness.Describe(authorizationServer.Requests).Should().Equal("POST /register 201", "GET /authorize 302", "POST /token 200");
            authorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(mcpOrigin, "the 2025-03-26 authorization base URL discards the path");
        }
    }

    // AUTH-15: no PRM and no metadata, so the default /authorize, /token and /register at the MCP origin.
    [Fact]
    public async Task SendAsync_NoPrmNoMetadata_UsesDefaultEndpointsAtMcpOrigin()
    {
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o => o.IssInRedirect = IssRedirectMode.Omit);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o =>
            o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        mcpServer.Options.Resource = mcpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        using var proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        mcpServer.Options.OnRequest = async context =>
        {
            if (context.Request.Path.Value is not ("/authorize" or "/token" or "/register"))
            {
                return false;
            }

            // The MCP origin fronts the authorization server, as a 2025-03-26 deployment would.
            await ForwardAsync(proxy, context, new Uri(authorizationServer.BaseUri, context.Request.Path.Value));
            return true;
        };
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
                "POST /mcp 401",
                "GET /.well-known/oauth-protected-resource/mcp 404",
                "GET /.well-known/oauth-protected-resource 404",
                "GET /.well-known/oauth-authorization-server 404",
                "POST /register 201",
                "GET /authorize 302",
                "POST /token 200",
                "POST /mcp 200");
            authorizationServer.AuthorizeRequests.Single().QueryValue("code_challenge_method").Should().Be("S256");
        }
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
