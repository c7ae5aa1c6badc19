using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Every PRM and AS metadata location the MCP specification allows, with the exact request order on the wire.</summary>
public sealed class DiscoveryOrderTests : ServerPairTest
{
    // AUTH-04: the challenge's resource_metadata is fetched, and no well-known URL is guessed.
    [Fact]
    public async Task SendAsync_ChallengeNamesResourceMetadata_FetchesOnlyThatUrl()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.MetadataLocations = ProtectedResourceMetadataLocations.Custom;
            o.CustomMetadataPath = "/meta/prm.json";
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        McpClientHarness.Describe(mcpServer.Requests).Should().Equal("POST /mcp 401", "GET /meta/prm.json 200", "POST /mcp 200");
    }

    // AUTH-05, AUTH-06: no header; the path-aware URL answers, so the root URL is never requested.
    [Fact]
    public async Task SendAsync_NoHeaderPathAwareServed_NeverRequestsRoot()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.McpPath = "/public/mcp";
            o.ChallengeIncludesResourceMetadata = false;
            o.MetadataLocations = ProtectedResourceMetadataLocations.PathAware | ProtectedResourceMetadataLocations.Root;
        });
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
            "POST /public/mcp 401",
            "GET /.well-known/oauth-protected-resource/public/mcp 200",
            "POST /public/mcp 200");
    }

    // AUTH-05, PRM-06, PRM-07: no header; path-aware 404, root serves resource = the bare origin, which is sent as is.
    [Fact]
    public async Task SendAsync_NoHeaderOnlyRootServed_FallsBackToRootAndSendsOriginWithoutSlash()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.ChallengeIncludesResourceMetadata = false;
            o.MetadataLocations = ProtectedResourceMetadataLocations.Root;
        });
        string origin = mcpServer.BaseUri.GetLeftPart(UriPartial.Authority);
        mcpServer.Options.Resource = origin;
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
                "POST /mcp 401",
                "GET /.well-known/oauth-protected-resource/mcp 404",
                "GET /.well-known/oauth-protected-resource 200",
                "POST /mcp 200");
            authorizationServer.AuthorizeRequests.Single().QueryValue("resource").Should().Be(origin).And.NotEndWith("/");
            authorizationServer.TokenRequests.Single().FormValue("resource").Should().Be(origin);
        }
    }

    // AUTH-10, AUTH-11, DISC-07: an issuer with a path; only candidate N serves; candidates before it are tried in order,
    // nothing after it, and the root RFC 8414 URL never (conformance trap authorization-server-metadata-wrong-path).
    [Theory]
    [InlineData(AuthorizationServerMetadataPaths.OAuthPathInsertion, 1)]
    [InlineData(AuthorizationServerMetadataPaths.OpenIdPathInsertion, 2)]
    [InlineData(AuthorizationServerMetadataPaths.OpenIdPathAppending, 3)]
    public async Task SendAsync_IssuerWithPath_TriesMetadataUrlsInSpecOrder(AuthorizationServerMetadataPaths served, int attempts)
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.IssuerPath = "/tenant1";
            o.MetadataPaths = served;
        });
        using var client = McpClientHarness.Create();
        string[] candidates =
        [
            "GET /.well-known/oauth-authorization-server/tenant1",
            "GET /.well-known/openid-configuration/tenant1",
            "GET /tenant1/.well-known/openid-configuration",
        ];
        string[] expected = [.. candidates.Take(attempts).Select((c, i) => c + (i == attempts - 1 ? " 200" : " 404"))];

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            McpClientHarness.Describe(authorizationServer.Requests.Where(r => r.Path.Contains("/.well-known/", StringComparison.Ordinal)))
                .Should().Equal(expected);
            authorizationServer.RequestsTo("/.well-known/oauth-authorization-server").Should().BeEmpty();
            McpClientHarness.Describe(authorizationServer.Requests.Where(r => !r.Path.Contains("/.well-known/", StringComparison.Ordinal)))
                .Should().Equal("POST /tenant1/register 201", "GET /tenant1/authorize 302", "POST /tenant1/token 200");
        }
    }

    // AUTH-10, AUTH-11: an issuer without a path that serves only OpenID Connect discovery (conformance auth/metadata-var1).
    [Fact]
    public async Task SendAsync_RootIssuerWithOpenIdOnly_FallsBackToOpenIdConfiguration()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
            o.MetadataPaths = AuthorizationServerMetadataPaths.OpenIdPathInsertion);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        McpClientHarness.Describe(authorizationServer.Requests).Should().Equal(
            "GET /.well-known/oauth-authorization-server 404",
            "GET /.well-known/openid-configuration 200",
            "POST /register 201",
            "GET /authorize 302",
            "POST /token 200");
    }

    // RS-11, AUTH-05: a 401 with no WWW-Authenticate at all still leads to well-known PRM discovery.
    [Fact]
    public async Task SendAsync_UnauthorizedWithoutChallengeHeader_DiscoversThroughWellKnown()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.UnauthorizedChallengeOverride = []);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        McpClientHarness.Describe(mcpServer.Requests).Should().Equal(
            "POST /mcp 401",
            "GET /.well-known/oauth-protected-resource/mcp 200",
            "POST /mcp 200");
    }
}
