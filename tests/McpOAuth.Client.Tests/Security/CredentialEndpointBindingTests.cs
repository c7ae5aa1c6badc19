using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>
/// RS-01 (issue 10 item 0): a gateway serves tenants at <c>/t/A/mcp</c> and <c>/t/B/mcp</c> on one origin, and tenant A's
/// metadata names the bare origin (or a path prefix) as its <c>resource</c>. A's credential serves the endpoint it was obtained
/// for, never B, unless <see cref="McpOAuthOptions.ShareCredentialAcrossResource"/> widens it to everything its resource names.
/// </summary>
public sealed class CredentialEndpointBindingTests
{
    private const string TenantA = "/t/A/mcp";
    private const string TenantB = "/t/B/mcp";

    [Theory]
    [InlineData("")]
    [InlineData("/t")]
    public async Task SendAsync_TenantResourceIsAPrefixOfAnotherTenant_TheOtherTenantGetsNoToken(string resourcePath)
    {
        // RS-01: B is a sink that records what it is sent; before the fix it received A's gateway-wide token.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var gateway = await StartGatewayAsync(authorizationServer, resourcePath);
        gateway.Options.OnRequest = context => SinkAsync(context, TenantB);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage signedIn = await client.CallAsync(gateway.McpUri, "tools/list");
        using HttpResponseMessage toB = await client.CallAsync(TenantUri(gateway, TenantB), "tools/list");
        using HttpResponseMessage againA = await client.CallAsync(gateway.McpUri, "tools/list", 2);

        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        using (new AssertionScope())
        {
            signedIn.Should().HaveStatusCode(HttpStatusCode.OK);
            againA.Should().HaveStatusCode(HttpStatusCode.OK);
            toB.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.IssuedAccessTokens.Single().Resource.Should().Be(gateway.Resource);
            gateway.RequestsTo(TenantB).Should().ContainSingle().Which.Authorization.Should().BeNull("B is not the endpoint A's token was obtained for");
            gateway.McpRequests.Select(r => r.BearerToken).Should().Equal(null, token, token);
            (await client.Provider.GetAccessTokenAsync(TenantUri(gateway, TenantB))).Should().BeNull();
        }
    }

    [Fact]
    public async Task SendAsync_BothTenantsNameTheBareOrigin_EachTenantSignsInForItself()
    {
        // RS-01: B's metadata names the same resource, so A's token would be accepted there; it is still not sent. B's 401
        // starts B's own sign-in, whose credential then serves both endpoints the user signed in for.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var gateway = await StartGatewayAsync(authorizationServer, resourcePath: "");
        gateway.Options.OnRequest = context => ProtectedTenantAsync(context, gateway, authorizationServer, TenantB);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage signedInA = await client.CallAsync(gateway.McpUri, "tools/list");
        using HttpResponseMessage signedInB = await client.CallAsync(TenantUri(gateway, TenantB), "tools/list");
        using HttpResponseMessage againA = await client.CallAsync(gateway.McpUri, "tools/list", 2);

        string[] tokens = [.. authorizationServer.IssuedAccessTokens.Select(t => t.Token)];
        using (new AssertionScope())
        {
            signedInA.Should().HaveStatusCode(HttpStatusCode.OK);
            signedInB.Should().HaveStatusCode(HttpStatusCode.OK);
            againA.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.AuthorizeRequestCount.Should().Be(2, "B's sign-in is B's own");
            tokens.Should().HaveCount(2);
            gateway.RequestsTo(TenantB).Select(r => r.BearerToken).Should().Equal(null, tokens[1]);
            gateway.McpRequests.Select(r => r.BearerToken).Should().Equal(null, tokens[0], tokens[1]);
        }
    }

    [Fact]
    public async Task SendAsync_ShareCredentialAcrossResource_EveryEndpointUnderTheResourceUsesIt()
    {
        // The option that widens RS-01 on purpose: one sign-in for a whole gateway the user trusts.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var gateway = await StartGatewayAsync(authorizationServer, resourcePath: "");
        gateway.Options.OnRequest = context => ProtectedTenantAsync(context, gateway, authorizationServer, TenantB);
        using var client = McpClientHarness.Create(o => o.ShareCredentialAcrossResource = true);

        using HttpResponseMessage signedInA = await client.CallAsync(gateway.McpUri, "tools/list");
        using HttpResponseMessage toB = await client.CallAsync(TenantUri(gateway, TenantB), "tools/list");

        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        using (new AssertionScope())
        {
            signedInA.Should().HaveStatusCode(HttpStatusCode.OK);
            toB.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
            gateway.RequestsTo(TenantB).Select(r => r.BearerToken).Should().Equal(token);
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_CredentialReloadedFromTheFileStore_StillServesOnlyTheEndpointItWasObtainedFor()
    {
        // RS-01 after a restart: the store key is the resource, so the endpoint travels with the stored credential. The next
        // process (no browser) serves A from the store and gives B nothing, whichever server it is configured for.
        using var directory = new TempDirectory();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var gateway = await StartGatewayAsync(authorizationServer, resourcePath: "");
        gateway.Options.OnRequest = context => SinkAsync(context, TenantB);
        Uri tenantB = TenantUri(gateway, TenantB);
        using (var firstRun = McpClientHarness.Create(tokenStore: FileStore(directory)))
        {
            _ = await firstRun.Provider.SignInAsync(gateway.McpUri).WaitAsync(McpClientHarness.HangGuard);
        }

        using var nextRun = McpClientHarness.Create(o => o.AllowInteractive = false, tokenStore: FileStore(directory));
        using var nextRunForB = McpClientHarness.Create(o => (o.AllowInteractive, o.ServerUri) = (false, tenantB), tokenStore: FileStore(directory));

        string? forA = await nextRun.Provider.GetAccessTokenAsync(gateway.McpUri);
        string? forB = await nextRun.Provider.GetAccessTokenAsync(tenantB);
        string? forBConfigured = await nextRunForB.Provider.GetAccessTokenAsync(tenantB);
        using HttpResponseMessage toB = await nextRunForB.CallAsync(tenantB, "tools/list");

        using (new AssertionScope())
        {
            forA.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
            forB.Should().BeNull();
            forBConfigured.Should().BeNull("a provider configured for B does not inherit A's stored credential");
            gateway.RequestsTo(TenantB).Should().ContainSingle().Which.Authorization.Should().BeNull();
            authorizationServer.AuthorizeRequestCount.Should().Be(1);
        }
    }

    private static FileTokenStore FileStore(TempDirectory directory) => new(new FileTokenStoreOptions { Directory = directory.Path });

    private static async Task<TestMcpServer> StartGatewayAsync(TestAuthorizationServer authorizationServer, string resourcePath)
    {
        TestMcpServer gateway = await TestMcpServer.StartAsync(authorizationServer, o => o.McpPath = TenantA);
        gateway.Options.Resource = gateway.BaseUri.GetLeftPart(UriPartial.Authority) + resourcePath;
        return gateway;
    }

    private static Uri TenantUri(TestMcpServer gateway, string path) => new(gateway.BaseUri.GetLeftPart(UriPartial.Authority) + path);

    /// <summary>A tenant that answers anything and keeps what it is sent (the recording is the server's).</summary>
    private static async Task<bool> SinkAsync(HttpContext context, string path)
    {
        if (context.Request.Path.Value != path)
        {
            return false;
        }

        await TestAuthorizationServer.WriteJsonAsync(context, 200, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = new JsonObject() });
        return true;
    }

    /// <summary>A tenant whose metadata names the gateway's resource too, and which accepts any token for it.</summary>
    private static async Task<bool> ProtectedTenantAsync(HttpContext context, TestMcpServer gateway, TestAuthorizationServer authorizationServer, string path)
    {
        string origin = gateway.BaseUri.GetLeftPart(UriPartial.Authority);
        string metadataPath = "/.well-known/oauth-protected-resource" + path;
        string requestPath = context.Request.Path.Value ?? string.Empty;
        if (requestPath == metadataPath)
        {
            await TestAuthorizationServer.WriteJsonAsync(context, 200, new JsonObject
            {
                ["resource"] = gateway.Resource,
                ["authorization_servers"] = new JsonArray(authorizationServer.Issuer),
            });
            return true;
        }

        if (requestPath != path)
        {
            return false;
        }

        string? token = context.GetRecordedRequest().BearerToken;
        if (token is null || !authorizationServer.IsAccessTokenValid(token, gateway.Resource, out _))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{origin}{metadataPath}\"";
            return true;
        }

        return await SinkAsync(context, path);
    }
}
