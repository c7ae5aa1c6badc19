using McpOAuth.Client.Internal;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.Flow;

public sealed class AuthorizationRequestTests
{
    private static readonly ClientRegistration Client = Clients.Preregistered("none", "client 1/x");

    private static readonly Uri RedirectUri = new("http://127.0.0.1:49152/callback");
    private static readonly PkcePair Pkce = new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

    [Fact]
    public void Build_AllParameters_PresentOnceAndWithoutTheVerifier()
    {
        // AUTHZ-04, RFC 7636 §4.3, RFC 8707 §2, AUTH-34
        Uri uri = Build("https://auth.example.com/authorize", ["mcp:read", "mcp:write"], "https://mcp.example.com/mcp");

        Dictionary<string, StringValues> query = FormEncoding.Parse(uri.Query);
        using (new AssertionScope())
        {
            uri.GetLeftPart(UriPartial.Path).Should().Be("https://auth.example.com/authorize");
            query.Should().HaveCount(8);
            query["response_type"].ToString().Should().Be("code");
            query["client_id"].ToString().Should().Be("client 1/x");
            query["redirect_uri"].ToString().Should().Be("http://127.0.0.1:49152/callback");
            query["state"].ToString().Should().Be("state-1");
            query["code_challenge"].ToString().Should().Be(Pkce.Challenge);
            query["code_challenge_method"].ToString().Should().Be("S256");
            query["scope"].ToString().Should().Be("mcp:read mcp:write");
            query["resource"].ToString().Should().Be("https://mcp.example.com/mcp");
            query.Should().NotContainKey("code_verifier");
            uri.AbsoluteUri.Should().NotContain(Pkce.Verifier);
        }
    }

    [Fact]
    public void Build_NoScopesAndNoResource_BothOmitted()
    {
        // AUTH-26 (3): scope omitted when undefined; SendResourceParameter = false
        Uri uri = Build("https://auth.example.com/authorize", [], resource: null);

        Dictionary<string, StringValues> query = FormEncoding.Parse(uri.Query);
        query.Should().NotContainKey("scope").And.NotContainKey("resource");
    }

    [Theory]
    [InlineData(new[] { "mcp:read", "offline_access" }, "consent")]
    [InlineData(new[] { "mcp:read" }, null)]
    [InlineData(new string[0], null)]
    public void Build_OfflineAccessRequested_PromptConsentAdded(string[] scopes, string? prompt)
    {
        // OIDC Core §11 (issue 12 item 1): without prompt=consent an OpenID provider drops offline_access and no refresh token
        // is issued; the MCP TypeScript SDK adds it the same way
        Uri uri = Build("https://auth.example.com/authorize", scopes, resource: null);

        Dictionary<string, StringValues> query = FormEncoding.Parse(uri.Query);
        (query.TryGetValue("prompt", out StringValues value) ? value.ToString() : null).Should().Be(prompt);
    }

    [Fact]
    public void Build_AdditionalParameters_AppendedEscapedAndAConfiguredPromptReplacesConsent()
    {
        // Issue 12 item 2: audience (Auth0), access_type and prompt (Google), login_hint
        Uri uri = Build(
            "https://auth.example.com/authorize",
            ["openid", "offline_access"],
            "https://mcp.example.com/mcp",
            [new("audience", "https://api.example.com/a b"), new("access_type", "offline"), new("prompt", "select_account consent"), new("login_hint", "a&b=c@example.com")]);

        Dictionary<string, StringValues> query = FormEncoding.Parse(uri.Query);
        using (new AssertionScope())
        {
            query["audience"].ToString().Should().Be("https://api.example.com/a b");
            query["access_type"].ToString().Should().Be("offline");
            query["prompt"].Should().ContainSingle().Which.Should().Be("select_account consent");
            query["login_hint"].ToString().Should().Be("a&b=c@example.com");
            query["state"].ToString().Should().Be("state-1");
            query.Should().HaveCount(12);
        }
    }

    [Fact]
    public void Build_EndpointCarriesItsOwnPrompt_NoSecondPrompt()
    {
        Uri uri = Build("https://auth.example.com/authorize?prompt=login", ["offline_access"], resource: null);

        FormEncoding.Parse(uri.Query)["prompt"].Should().ContainSingle().Which.Should().Be("login");
    }

    [Theory]
    [InlineData("state")]
    [InlineData("Redirect_URI")]
    [InlineData("scope")]
    [InlineData("resource")]
    [InlineData("request_uri")]
    [InlineData("response_mode")]
    public void Build_AdditionalParameterIsAProtocolParameter_Refused(string name)
    {
        // Defence behind the options validator: a protocol parameter is never overridden (issue 12 item 2)
        Action act = () => Build("https://auth.example.com/authorize", [], resource: null, [new(name, "attacker")]);

        act.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Theory]
    [InlineData("https://auth.example.com/authorize?tenant=x")]
    [InlineData("https://auth.example.com/authorize?tenant=x&")]
    public void Build_EndpointWithItsOwnQuery_Preserved(string endpoint)
    {
        // AUTHZ-03
        Uri uri = Build(endpoint, [], "https://mcp.example.com/mcp");

        uri.AbsoluteUri.Count(c => c == '?').Should().Be(1);
        uri.AbsoluteUri.Should().NotContain("&&");
        Dictionary<string, StringValues> query = FormEncoding.Parse(uri.Query);
        query["tenant"].ToString().Should().Be("x");
        query["state"].ToString().Should().Be("state-1");
    }

    [Fact]
    public void Build_EndpointEndingWithQuestionMark_NoEmptyParameter()
    {
        Uri uri = Build("https://auth.example.com/authorize?", [], resource: null);

        uri.Query.Should().StartWith("?response_type=code");
    }

    [Theory]
    [InlineData("state=attacker")]
    [InlineData("client_id=other")]
    [InlineData("redirect_uri=https%3A%2F%2Fattacker.example%2Fcb")]
    [InlineData("code_challenge=known")]
    [InlineData("code_challenge_method=plain")]
    [InlineData("resource=https%3A%2F%2Fother.example")]
    [InlineData("response_type=token")]
    [InlineData("scope=admin")]
    [InlineData("st%61te=attacker")]
    [InlineData("tenant=x&state")]
    public void Build_EndpointAlreadyCarriesASecurityParameter_InsecureEndpoint(string query)
    {
        // AUTHZ-03: no duplicate or overridden security parameters
        Action act = () => Build("https://auth.example.com/authorize?" + query, ["mcp:read"], "https://mcp.example.com/mcp");

        act.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    private static Uri Build(string endpoint, IReadOnlyList<string> scopes, string? resource, IEnumerable<KeyValuePair<string, string>>? additional = null) =>
        AuthorizationRequest.Build(endpoint, Client, RedirectUri, "state-1", Pkce, scopes, resource, additional ?? []);
}
