using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class UriPolicyTests
{
    // spec-client-requirements.md "Well-known URL sequences": Protected Resource Metadata (AUTH-05, AUTH-06, RFC 9728 §3.1)
    public static TheoryData<string, string[]> ProtectedResourceMetadataTable => new()
    {
        { "https://example.com/public/mcp", ["https://example.com/.well-known/oauth-protected-resource/public/mcp", "https://example.com/.well-known/oauth-protected-resource"] },
        { "https://example.com/mcp", ["https://example.com/.well-known/oauth-protected-resource/mcp", "https://example.com/.well-known/oauth-protected-resource"] },
        { "https://example.com", ["https://example.com/.well-known/oauth-protected-resource"] },
        { "https://example.com/", ["https://example.com/.well-known/oauth-protected-resource"] },
        { "https://example.com:8443/mcp", ["https://example.com:8443/.well-known/oauth-protected-resource/mcp", "https://example.com:8443/.well-known/oauth-protected-resource"] },
        { "https://example.com/mcp?tenant=a", ["https://example.com/.well-known/oauth-protected-resource/mcp?tenant=a", "https://example.com/.well-known/oauth-protected-resource"] },
        { "https://example.com/mcp/", ["https://example.com/.well-known/oauth-protected-resource/mcp/", "https://example.com/.well-known/oauth-protected-resource"] },
    };

    // spec-client-requirements.md "Well-known URL sequences": authorization server metadata (AUTH-11, RFC 8414 §3.1, OIDC §4)
    public static TheoryData<string, string[]> AuthorizationServerMetadataTable => new()
    {
        {
            "https://auth.example.com/tenant1",
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        },
        { "https://auth.example.com", ["https://auth.example.com/.well-known/oauth-authorization-server", "https://auth.example.com/.well-known/openid-configuration"] },
        { "https://auth.example.com/", ["https://auth.example.com/.well-known/oauth-authorization-server", "https://auth.example.com/.well-known/openid-configuration"] },
        {
            "https://auth.example.com/tenant1/",
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        },
        {
            "https://kc.example.com/realms/acme",
            [
                "https://kc.example.com/.well-known/oauth-authorization-server/realms/acme",
                "https://kc.example.com/.well-known/openid-configuration/realms/acme",
                "https://kc.example.com/realms/acme/.well-known/openid-configuration",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(ProtectedResourceMetadataTable))]
    public void ProtectedResourceMetadataUris_WellKnownTable_PathAwareThenRoot(string server, string[] expected)
    {
        // AUTH-05, AUTH-06
        IReadOnlyList<Uri> uris = UriPolicy.ProtectedResourceMetadataUris(new Uri(server));

        uris.Select(u => u.AbsoluteUri).Should().Equal(expected);
    }

    [Theory]
    [InlineData("https://example.com/public/mcp")]
    [InlineData("https://example.com/mcp/")]
    [InlineData("https://example.com/mcp?tenant=a")]
    public void ProtectedResourceMetadataUris_PathServer_NeverAppendsTheSuffixToThePath(string server)
    {
        // AUTH-06: the suffix is inserted after the authority, never appended
        IReadOnlyList<Uri> uris = UriPolicy.ProtectedResourceMetadataUris(new Uri(server));

        uris.Should().AllSatisfy(u => u.AbsolutePath.Should().StartWith("/.well-known/oauth-protected-resource"));
    }

    [Theory]
    [MemberData(nameof(AuthorizationServerMetadataTable))]
    public void AuthorizationServerMetadataUris_WellKnownTable_ExactOrder(string issuer, string[] expected)
    {
        // AUTH-11, DISC-07
        IReadOnlyList<Uri> uris = UriPolicy.AuthorizationServerMetadataUris(new Uri(issuer));

        uris.Select(u => u.AbsoluteUri).Should().Equal(expected);
    }

    [Fact]
    public void AuthorizationServerMetadataUris_PathIssuer_NeverTheRootDocument()
    {
        // AUTH-11: conformance trap authorization-server-metadata-wrong-path
        IReadOnlyList<Uri> uris = UriPolicy.AuthorizationServerMetadataUris(new Uri("https://auth.example.com/tenant1"));

        uris.Select(u => u.AbsoluteUri).Should().NotContain("https://auth.example.com/.well-known/oauth-authorization-server")
            .And.NotContain("https://auth.example.com/.well-known/openid-configuration");
    }

    [Theory]
    // AUTH-07, spec Q1: same origin, and the resource path is the server path or a segment prefix of it
    [InlineData("https://example.com/mcp", "https://example.com/mcp", true)]
    [InlineData("https://example.com/mcp/", "https://example.com/mcp", true)]
    [InlineData("https://example.com/mcp", "https://example.com/mcp/", true)]
    [InlineData("https://example.com", "https://example.com/mcp", true)]
    [InlineData("https://example.com/", "https://example.com/mcp", true)]
    [InlineData("https://example.com/api", "https://example.com/api/mcp", true)]
    [InlineData("https://EXAMPLE.com/mcp", "https://example.com/mcp", true)]
    [InlineData("https://example.com:443/mcp", "https://example.com/mcp", true)]
    [InlineData("https://example.com:8443/mcp", "https://example.com:8443/mcp", true)]
    [InlineData("https://example.com/mcp?tenant=a", "https://example.com/mcp?tenant=a", true)]
    // AUTH-07, PRM-01, PRM-04 (fragment): another origin, path or form
    [InlineData("https://evil.example.com/mcp", "https://example.com/mcp", false)]
    [InlineData("https://example.com.evil.example/mcp", "https://example.com/mcp", false)]
    [InlineData("https://example.com:8443/mcp", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcp", "https://example.com:8443/mcp", false)]
    [InlineData("http://example.com/mcp", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcpx", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcp", "https://example.com/mcpx", false)]
    [InlineData("https://example.com/mcp/extra", "https://example.com/mcp", false)]
    [InlineData("https://example.com/other", "https://example.com/mcp", false)]
    [InlineData("https://example.com/MCP", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcp#fragment", "https://example.com/mcp", false)]
    [InlineData("https://example.com/#", "https://example.com/mcp", false)]
    [InlineData("https://user@example.com/mcp", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcp?tenant=b", "https://example.com/mcp?tenant=a", false)]
    [InlineData("/mcp", "https://example.com/mcp", false)]
    [InlineData("example.com/mcp", "https://example.com/mcp", false)]
    [InlineData("javascript:alert(1)", "https://example.com/mcp", false)]
    [InlineData("", "https://example.com/mcp", false)]
    [InlineData("https://example.com/mcp\r\n", "https://example.com/mcp", false)]
    public void ResourceIdentifiesServer_SameOriginAndPathPrefixOnSegmentBoundaryOnly(string resource, string server, bool expected)
    {
        // AUTH-07, PRM-01, PRM-04
        UriPolicy.ResourceIdentifiesServer(resource, new Uri(server)).Should().Be(expected);
    }

    [Theory]
    [InlineData("HTTPS://MCP.Example.COM/mcp", "https://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/", "https://mcp.example.com")]
    [InlineData("https://mcp.example.com", "https://mcp.example.com")]
    [InlineData("https://mcp.example.com:8443", "https://mcp.example.com:8443")]
    [InlineData("https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/server/mcp", "https://mcp.example.com/server/mcp")]
    [InlineData("https://mcp.example.com/mcp#fragment", "https://mcp.example.com/mcp")]
    [InlineData("https://mcp.example.com/mcp?tenant=a", "https://mcp.example.com/mcp")]
    [InlineData("http://localhost:3001", "http://localhost:3001")]
    [InlineData("http://localhost:3001/", "http://localhost:3001")]
    public void CanonicalResource_ServerUri_LowercaseNoFragmentNoQueryNoBareSlash(string server, string expected)
    {
        // AUTH-35, RFC 8707 §2, PRM-07
        UriPolicy.CanonicalResource(new Uri(server)).Should().Be(expected);
    }

    [Fact]
    public void CanonicalResource_PathWithTrailingSlash_KeepsTheSignificantSlash()
    {
        // PRM-07: the client never adds or strips a slash on a non-empty path
        UriPolicy.CanonicalResource(new Uri("https://mcp.example.com/mcp/")).Should().Be("https://mcp.example.com/mcp/");
    }

    [Theory]
    [InlineData("https://auth.example.com/token", false, true)]
    [InlineData("https://auth.example.com/token", true, true)]
    [InlineData("https://127.0.0.1/token", false, true)]
    [InlineData("http://auth.example.com/token", false, false)]
    [InlineData("http://auth.example.com/token", true, false)]
    [InlineData("http://127.0.0.1:8080/token", false, false)]
    [InlineData("http://127.0.0.1:8080/token", true, true)]
    [InlineData("http://localhost:8080/token", true, true)]
    [InlineData("http://[::1]:8080/token", true, true)]
    [InlineData("http://localhost.evil.example/token", true, false)]
    [InlineData("http://127.0.0.1.nip.io/token", true, false)]
    [InlineData("http://localhost@evil.example/token", true, false)]
    [InlineData("https://user:pass@auth.example.com/token", false, false)]
    [InlineData("https://user@auth.example.com/token", true, false)]
    [InlineData("http://user@127.0.0.1:8080/token", true, false)]
    [InlineData("ftp://auth.example.com/token", true, false)]
    [InlineData("file:///etc/passwd", true, false)]
    [InlineData("javascript:alert(1)", true, false)]
    public void IsSecure_SchemeHostAndUserinfo_HttpsOrAllowedLoopbackOnly(string uri, bool allowHttpLoopback, bool expected)
    {
        // NET-07, AUTH-44
        UriPolicy.IsSecure(new Uri(uri), allowHttpLoopback).Should().Be(expected);
    }

    [Fact]
    public void IsSecure_RelativeUri_False()
    {
        UriPolicy.IsSecure(new Uri("/token", UriKind.Relative), allowHttpLoopback: true).Should().BeFalse();
    }

    [Theory]
    [InlineData("https://auth.example.com/metadata", true)]
    [InlineData("http://127.0.0.1/metadata", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("data:text/html,hi", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("vbscript:msgbox", false)]
    [InlineData("ms-msdt:/id", false)]
    [InlineData("/relative", false)]
    [InlineData("relative/path", false)]
    [InlineData("https://auth.example.com/a b", false)]
    [InlineData("https://auth.example.com/a\r\nX-Injected: 1", false)]
    [InlineData("https://auth.example.com/\u0007", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParseAbsolute_ServerSuppliedText_OnlyAbsoluteHttpUrlsWithoutControlCharacters(string? value, bool expected)
    {
        // DISC-08, AUTHZ-01, WWWA-07
        UriPolicy.TryParseAbsolute(value, out _).Should().Be(expected);
    }

    [Theory]
    [InlineData("https://a\u200b.example.com-")]
    [InlineData("https://auth.example.com\ufffdtoken")]
    [InlineData("HTTPS://\u202e")]
    [InlineData("file://\u202e/e;")]                        // Uri.TryCreate itself threw IndexOutOfRangeException (fuzzer, after the merge)
    [InlineData("https://auth.example.com/\u202egnp.exe")] // a bidi override only disguises a URL
    [InlineData("https://b\u00fccher.example/ok")]          // a real IDN host still parses: see the next assertion
    public void TryParseAbsolute_HostThatIsNoValidIdn_False(string value)
    {
        // Found by the fuzzer (issue 10, uri-policy): Uri.TryCreate accepts these, then Uri.IdnHost throws UriFormatException.
        UriPolicy.TryParseAbsolute(value, out _).Should().Be(value.Contains("b\u00fccher", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://a\u200b.example.com-")]
    [InlineData("https://auth.example.com\ufffdtoken")]
    public void ResourceIdentifiesServer_ResourceHostThatIsNoValidIdn_FalseInsteadOfThrowing(string resource)
    {
        // Found by the fuzzer (issue 10): a hostile protected resource document's 'resource' escaped discovery untyped.
        UriPolicy.ResourceIdentifiesServer(resource, new Uri("https://a.example.com/mcp")).Should().BeFalse();
        UriPolicy.ResourceIdentifiesServer(new Uri(resource), new Uri("https://a.example.com/mcp")).Should().BeFalse();
    }

    [Fact]
    public void TryParseAbsolute_LongerThan4096_False()
    {
        UriPolicy.TryParseAbsolute("https://auth.example.com/" + new string('a', 4096), out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("https://auth.example.com/authorize#x")]
    [InlineData("https://auth.example.com/authorize#")]
    [InlineData("http://auth.example.com/authorize")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/authorize")]
    [InlineData("https://user@auth.example.com/authorize")]
    public void RequireSecureEndpoint_UnusableEndpoint_ThrowsInsecureEndpoint(string value)
    {
        // DISC-08, DISC-09
        Action act = () => UriPolicy.RequireSecureEndpoint(value, allowHttpLoopback: true, "authorization endpoint");

        act.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Fact]
    public void RequireSecureEndpoint_HttpsEndpointWithQuery_ReturnsItUnchanged()
    {
        // AUTHZ-03: an endpoint's own query is preserved
        Uri uri = UriPolicy.RequireSecureEndpoint("https://auth.example.com/authorize?tenant=x", allowHttpLoopback: false, "authorization endpoint");

        uri.OriginalString.Should().Be("https://auth.example.com/authorize?tenant=x");
    }

    [Theory]
    [InlineData("https://example.com/mcp?x=1#f", "https://example.com/mcp")]
    [InlineData("https://example.com:8443/a/b", "https://example.com:8443/a/b")]
    public void EndpointKey_RequestUri_DropsQueryAndFragment(string uri, string expected)
    {
        UriPolicy.EndpointKey(new Uri(uri)).Should().Be(expected);
    }
}
