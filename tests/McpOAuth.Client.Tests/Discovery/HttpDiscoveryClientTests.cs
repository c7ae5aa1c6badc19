using System.Net;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Discovery;

public sealed partial class HttpDiscoveryClientTests : IDisposable
{
    private const string Server = "https://example.com/public/mcp";
    private const string PathAwarePrm = "https://example.com/.well-known/oauth-protected-resource/public/mcp";
    private const string RootPrm = "https://example.com/.well-known/oauth-protected-resource";
    private const string Issuer = "https://auth.example.com/tenant1";
    private const string OAuthPathInsert = "https://auth.example.com/.well-known/oauth-authorization-server/tenant1";
    private const string OidcPathInsert = "https://auth.example.com/.well-known/openid-configuration/tenant1";
    private const string OidcPathAppend = "https://auth.example.com/tenant1/.well-known/openid-configuration";

    private readonly BackchannelRig _rig = new();
    private readonly HttpDiscoveryClient _discovery;

    public HttpDiscoveryClientTests()
    {
        _discovery = new HttpDiscoveryClient(_rig.Backchannel, _rig.Time, _rig.Logger);
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_ChallengeUrlAnswers_UsesItFirstAndAlone()
    {
        // AUTH-04: the resource_metadata URL, and no well-known guess
        _rig.Network.OnGet("https://example.com/meta/prm.json", FakeResponse.Json(Prm(Server, Issuer)));
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, "https://other.example.com")));
        _rig.Network.OnGet(RootPrm, FakeResponse.Json(Prm(Server, "https://other.example.com")));

        ProtectedResourceDocument? document = await GetPrmAsync(Server, "https://example.com/meta/prm.json");

        document!.AuthorizationServers.Should().Equal(Issuer);
        _rig.Network.RequestedUris.Should().Equal("https://example.com/meta/prm.json");
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_NoChallengeUrlAndPathAwareAnswers_NeverRequestsRoot()
    {
        // AUTH-05: conformance auth/metadata-default traps the root
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));
        _rig.Network.OnGet(RootPrm, FakeResponse.Json(Prm(Server, "https://other.example.com")));

        ProtectedResourceDocument? document = await GetPrmAsync(Server);

        document!.Resource.Should().Be(Server);
        _rig.Network.RequestedUris.Should().Equal(PathAwarePrm);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_PathAwareNotFound_TriesRootSecondAndValidatesIt()
    {
        // AUTH-05, PRM-06
        _rig.Network.OnGet(RootPrm, FakeResponse.Json(Prm(Server, Issuer)));

        ProtectedResourceDocument? document = await GetPrmAsync(Server);

        document!.AuthorizationServers.Should().Equal(Issuer);
        _rig.Network.RequestedUris.Should().Equal(PathAwarePrm, RootPrm);
    }

    [Theory]
    // PRM-06: the root fallback still passes resource validation
    [InlineData(RootPrm, "https://example.com/other/mcp")]
    // PRM-01, T17 (found by the fuzzer, issue 10): Uri.IdnHost threw UriFormatException for this 'resource', out of
    // discovery and untyped
    [InlineData(PathAwarePrm, "https://example.com\ufffd/public/mcp")]
    public async Task GetProtectedResourceMetadataAsync_DocumentNamesAnotherResource_ResourceMismatch(string servedAt, string resource)
    {
        _rig.Network.OnGet(servedAt, FakeResponse.Json(Prm(resource, Issuer)));

        (await FailsAsync(() => GetPrmAsync(Server))).Code.Should().Be(McpOAuthErrorCode.ResourceMismatch);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_NothingPublished_ReturnsNullAfterPathAwareAndRoot()
    {
        // AUTH-05; null means a 2025-03-26 server
        ProtectedResourceDocument? document = await GetPrmAsync(Server);

        document.Should().BeNull();
        _rig.Network.RequestedUris.Should().Equal(PathAwarePrm, RootPrm);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_ServerWithoutPath_RequestsRootOnce()
    {
        // AUTH-05: path-aware = root, one request
        ProtectedResourceDocument? document = await GetPrmAsync("https://example.com");

        document.Should().BeNull();
        _rig.Network.RequestedUris.Should().Equal(RootPrm);
    }

    [Theory]
    [InlineData("https://evil.example.com/public/mcp")]
    [InlineData("https://example.com:8443/public/mcp")]
    [InlineData("http://example.com/public/mcp")]
    [InlineData("https://example.com/other/mcp")]
    [InlineData("https://example.com/public/mcpx")]
    [InlineData("https://example.com/public/mcp#fragment")]
    public async Task GetProtectedResourceMetadataAsync_ResourceNamesAnotherServer_ResourceMismatchAndNothingElseRequested(string resource)
    {
        // PRM-01, PRM-04, AUTH-07: its authorization_servers are never contacted
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(resource, "https://evil-as.example.com")));
        _rig.Network.OnGet(RootPrm, FakeResponse.Json(Prm(Server, Issuer)));

        (await FailsAsync(() => GetPrmAsync(Server))).Code.Should().Be(McpOAuthErrorCode.ResourceMismatch);
        _rig.Network.RequestedUris.Should().Equal(PathAwarePrm);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_ChallengeUrlDocumentFailsValidation_NoFallbackToWellKnown()
    {
        // PRM-02: no silent fallback to the root document
        _rig.Network.OnGet("https://example.com/meta/prm.json", FakeResponse.Json(Prm("https://evil.example.com/mcp", Issuer)));
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));

        (await FailsAsync(() => GetPrmAsync(Server, "https://example.com/meta/prm.json"))).Code.Should().Be(McpOAuthErrorCode.ResourceMismatch);
        _rig.Network.RequestedUris.Should().Equal("https://example.com/meta/prm.json");
    }

    [Theory]
    [InlineData("http://example.com/meta/prm.json")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/meta/prm.json")]
    [InlineData("https://user@example.com/meta/prm.json")]
    [InlineData("https://example.com/meta/prm.json#x")]
    public async Task GetProtectedResourceMetadataAsync_UnusableChallengeUrl_NeverFetchedAndWellKnownUsed(string headerValue)
    {
        // WWWA-07, AUTH-44
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));

        ProtectedResourceDocument? document = await GetPrmAsync(Server, headerValue);

        document.Should().NotBeNull();
        _rig.Network.RequestedUris.Should().Equal(PathAwarePrm);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_ChallengeUrlNotFound_FallsBackToWellKnown()
    {
        // Spec Q3: the library's documented choice when the header URL serves nothing
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));

        ProtectedResourceDocument? document = await GetPrmAsync(Server, "https://example.com/meta/prm.json");

        document.Should().NotBeNull();
        _rig.Network.RequestedUris.Should().Equal("https://example.com/meta/prm.json", PathAwarePrm);
    }

    [Theory]
    [InlineData("{\"resource\":\"https://example.com/public/mcp\"}")]
    [InlineData("{\"resource\":\"https://example.com/public/mcp\",\"authorization_servers\":[]}")]
    [InlineData("{\"resource\":\"https://example.com/public/mcp\",\"authorization_servers\":null}")]
    public async Task GetProtectedResourceMetadataAsync_NoAuthorizationServers_DiscoveryFailed(string json)
    {
        // PRM-03, AUTH-07
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(json));

        (await FailsAsync(() => GetPrmAsync(Server))).Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_NoResource_InvalidResponse()
    {
        // PRM-03: missing resource is a clear error
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json("{\"authorization_servers\":[\"https://auth.example.com/tenant1\"]}"));

        (await FailsAsync(() => GetPrmAsync(Server))).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_CachedDocument_NoSecondRequestUntilBypassed()
    {
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));

        await GetPrmAsync(Server);
        await GetPrmAsync(Server);
        _rig.Network.Requests.Should().ContainSingle();

        await GetPrmAsync(Server, bypassCache: true);
        _rig.Network.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_CacheOlderThanAnHour_Refetched()
    {
        _rig.Network.OnGet(PathAwarePrm, FakeResponse.Json(Prm(Server, Issuer)));

        await GetPrmAsync(Server);
        _rig.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await GetPrmAsync(Server);

        _rig.Network.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_PathIssuerServedOnlyByThirdCandidate_TriesAllThreeInOrder()
    {
        // AUTH-11, DISC-07: OAuth path-insert, OIDC path-insert, OIDC path-append; never the root
        _rig.Network.OnGet(OidcPathAppend, FakeResponse.Json(Asm(Issuer)));

        AuthorizationServerDocument? document = await GetAsmAsync(Issuer);

        document!.Issuer.Should().Be(Issuer);
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OidcPathInsert, OidcPathAppend);
    }

    [Theory]
    [InlineData("not found")] // DISC-07
    [InlineData("HTML with status 200")] // DISC-04
    public async Task GetAuthorizationServerMetadataAsync_FirstCandidateUnusableSecondValid_StopsAtTheSecond(string firstAnswer)
    {
        // DISC-04, DISC-07: an unusable candidate is skipped, and the first valid one ends the search
        if (firstAnswer == "HTML with status 200")
        {
            _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Html("<html><body>{\"issuer\":\"https://auth.example.com/tenant1\"}</body></html>"));
        }

        _rig.Network.OnGet(OidcPathInsert, FakeResponse.Json(Asm(Issuer)));
        _rig.Network.OnGet(OidcPathAppend, FakeResponse.Json(Asm(Issuer)));

        AuthorizationServerDocument? document = await GetAsmAsync(Issuer);

        document.Should().NotBeNull();
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OidcPathInsert);
    }

    [Theory]
    [InlineData("https://auth.example.com")]
    [InlineData("https://auth.example.com/")]
    public async Task GetAuthorizationServerMetadataAsync_RootIssuer_TwoCandidatesAndIssuerComparedAsWritten(string issuer)
    {
        // AUTH-11: the terminating slash is removed for the URL but kept for the comparison
        _rig.Network.OnGet("https://auth.example.com/.well-known/openid-configuration", FakeResponse.Json(Asm(issuer)));

        AuthorizationServerDocument? document = await GetAsmAsync(issuer);

        document!.Issuer.Should().Be(issuer);
        _rig.Network.RequestedUris.Should().Equal(
            "https://auth.example.com/.well-known/oauth-authorization-server",
            "https://auth.example.com/.well-known/openid-configuration");
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_NothingPublished_ReturnsNullWithoutRootRequest()
    {
        // AUTH-11: for a path issuer the root document is never requested
        AuthorizationServerDocument? document = await GetAsmAsync(Issuer);

        document.Should().BeNull();
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OidcPathInsert, OidcPathAppend);
    }

    [Theory]
    [InlineData("https://honest.example")]
    [InlineData("https://auth.example.com/tenant1/")]
    [InlineData("https://AUTH.example.com/tenant1")]
    [InlineData("https://auth.example.com:443/tenant1")]
    [InlineData("https://auth.example.com/Tenant1")]
    [InlineData("https://auth.example.com/tenant%31")]
    [InlineData("https://auth.example.com/tenantB")]
    [InlineData("")]
    public async Task GetAuthorizationServerMetadataAsync_IssuerNotIdentical_IssuerMismatchAndNoOtherCandidate(string claimed)
    {
        // DISC-01, DISC-02, DISC-03, AUTH-12: identical string, no normalization
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(Asm(claimed)));
        _rig.Network.OnGet(OidcPathInsert, FakeResponse.Json(Asm(Issuer)));

        (await FailsAsync(() => GetAsmAsync(Issuer))).Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_TenantPlaceholderAllowedForThisIssuer_AcceptedAsTheIssuerItWasFetchedFor()
    {
        // Issue 12 item 2: Entra's multi-tenant metadata declares https://login.microsoftonline.com/{tenantid}/v2.0
        const string organizations = "https://login.microsoftonline.com/organizations/v2.0";
        _rig.Network.OnGet("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
            FakeResponse.Json(Asm("https://login.microsoftonline.com/{tenantid}/v2.0")));

        AuthorizationServerDocument? document = await _discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = organizations, AllowTenantPlaceholder = true },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        document!.Issuer.Should().Be(organizations, "the rest of the flow compares against the issuer the metadata was fetched for");
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_TenantPlaceholderNotAllowed_IssuerMismatchNamingTheOption()
    {
        const string organizations = "https://login.microsoftonline.com/organizations/v2.0";
        _rig.Network.OnGet("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
            FakeResponse.Json(Asm("https://login.microsoftonline.com/{tenantid}/v2.0")));

        McpOAuthException ex = await FailsAsync(() => GetAsmAsync(organizations));
        ex.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        ex.Message.Should().Contain("AllowTenantPlaceholderInIssuer").And.Contain("--issuer");
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_PlaceholderAllowedButAnotherHost_IssuerMismatch()
    {
        // The relaxation never lets a document name another server.
        const string organizations = "https://login.microsoftonline.com/organizations/v2.0";
        _rig.Network.OnGet("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
            FakeResponse.Json(Asm("https://attacker.example/{tenantid}/v2.0")));

        Func<Task> act = () => _discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = organizations, AllowTenantPlaceholder = true },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_IssuerMissing_IssuerMismatch()
    {
        // DISC-04
        (await EditedAsmFailsAsync(document => document.Remove("issuer"))).Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
    }

    [Theory]
    [InlineData("authorization_endpoint", "javascript:alert(1)")]
    [InlineData("authorization_endpoint", "data:text/html,<script>alert(1)</script>")]
    [InlineData("authorization_endpoint", "file:///C:/Windows/System32/calc.exe")]
    [InlineData("authorization_endpoint", "vbscript:msgbox(1)")]
    [InlineData("authorization_endpoint", "ms-msdt:/id PCWDiagnostic")]
    [InlineData("authorization_endpoint", "/authorize")]
    [InlineData("authorization_endpoint", "https://auth.example.com/authorize#frag")]
    [InlineData("authorization_endpoint", "https://user$(x)@auth.example.com/authorize")]
    [InlineData("token_endpoint", "javascript:alert(1)")]
    [InlineData("token_endpoint", "http://auth.example.com/token")]
    [InlineData("token_endpoint", "https://auth.example.com/token#frag")]
    [InlineData("registration_endpoint", "http://auth.example.com/register")]
    [InlineData("registration_endpoint", "file:///etc/passwd")]
    [InlineData("revocation_endpoint", "http://auth.example.com/revoke")]
    public async Task GetAuthorizationServerMetadataAsync_UnsafeEndpoint_InsecureEndpoint(string member, string value)
    {
        // DISC-08, DISC-09, REG-01, AUTHZ-01, AUTHZ-02 (userinfo)
        (await EditedAsmFailsAsync(document => document[member] = value)).Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetAuthorizationServerMetadataAsync_HttpLoopbackEndpoints_AllowedOnlyWhenOptedIn(bool allow)
    {
        // NET-07, AUTH-44
        const string issuer = "http://127.0.0.1:5000";
        JsonObject document = Asm(issuer);
        document["authorization_endpoint"] = "http://127.0.0.1:5000/authorize";
        document["token_endpoint"] = "http://127.0.0.1:5000/token";
        _rig.Network.OnGet("http://127.0.0.1:5000/.well-known/oauth-authorization-server", FakeResponse.Json(document));

        Func<Task<AuthorizationServerDocument?>> act = () => GetAsmAsync(issuer, allowHttpOnLoopback: allow);

        if (allow)
        {
            (await act.Should().NotThrowAsync()).Subject.Should().NotBeNull();
        }
        else
        {
            (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
            _rig.Network.Requests.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("http://auth.example.com")]
    [InlineData("https://auth.example.com/tenant1?x=1")]
    [InlineData("https://auth.example.com/tenant1#f")]
    [InlineData("javascript:alert(1)")]
    [InlineData("auth.example.com")]
    [InlineData("http://localhost.evil.example")]
    public async Task GetAuthorizationServerMetadataAsync_UnusableIssuer_InsecureEndpointBeforeAnyRequest(string issuer)
    {
        // DISC-05, NET-07
        (await FailsAsync(() => GetAsmAsync(issuer, allowHttpOnLoopback: true))).Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("token_endpoint")]
    [InlineData("authorization_endpoint")]
    public async Task GetAuthorizationServerMetadataAsync_RequiredEndpointMissing_InvalidResponse(string member)
    {
        // AUTH-14
        (await EditedAsmFailsAsync(document => document.Remove(member))).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetAuthorizationServerMetadataAsync_TenMegabyteBody_ResponseTooLarge(bool declareLength)
    {
        // DISC-10: the read stops at the cap, with or without Content-Length
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Huge(10 * 1024 * 1024, declareLength));

        (await FailsAsync(() => GetAsmAsync(Issuer))).Code.Should().Be(McpOAuthErrorCode.ResponseTooLarge);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"")]
    [InlineData("")]
    [InlineData("{\"issuer\":42}")]
    [InlineData("{\"issuer\":[\"https://auth.example.com/tenant1\"]}")]
    [InlineData("\"https://auth.example.com/tenant1\"")]
    public async Task GetAuthorizationServerMetadataAsync_UnusableJsonBody_SkippedWithoutThrowing(string body)
    {
        // DISC-04: typed outcome, nothing used
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(body));

        AuthorizationServerDocument? document = await GetAsmAsync(Issuer);

        document.Should().BeNull();
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OidcPathInsert, OidcPathAppend);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_DeeplyNestedJson_SkippedWithoutThrowing()
    {
        // DISC-11: depth limit
        string body = "{\"issuer\":\"https://auth.example.com/tenant1\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(body));

        AuthorizationServerDocument? document = await GetAsmAsync(Issuer);

        document.Should().BeNull();
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_DuplicateIssuerKeys_NotAccepted()
    {
        // DISC-11: duplicate issuer keys are invalid, not "last one wins"
        string body = Asm(Issuer).ToJsonString().Replace("{\"issuer\":", "{\"issuer\":\"https://attacker.example\",\"issuer\":", StringComparison.Ordinal);
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(body));

        Func<Task<AuthorizationServerDocument?>> act = () => GetAsmAsync(Issuer);

        try
        {
            AuthorizationServerDocument? document = await act();
            document.Should().BeNull("a document with two 'issuer' members is ambiguous and must not be used");
        }
        catch (McpOAuthException)
        {
            // Rejecting with a typed error is also acceptable.
        }
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_Legacy_OnlyOriginRfc8414UrlWithProtocolVersionHeader()
    {
        // AUTH-15: a 2025-03-26 server
        AuthorizationServerDocument? document = await GetAsmAsync("https://api.example.com", legacy: true);

        document.Should().BeNull();
        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        request.Uri.AbsoluteUri.Should().Be("https://api.example.com/.well-known/oauth-authorization-server");
        request.Header("MCP-Protocol-Version").Should().Be("2025-03-26");
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_NotLegacy_NoProtocolVersionHeader()
    {
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(Asm(Issuer)));

        await GetAsmAsync(Issuer);

        _rig.Network.Requests.Should().ContainSingle().Which.Header("MCP-Protocol-Version").Should().BeNull();
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_CachedDocument_NoSecondRequestUntilBypassed()
    {
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(Asm(Issuer)));

        AuthorizationServerDocument? first = await GetAsmAsync(Issuer);
        AuthorizationServerDocument? second = await GetAsmAsync(Issuer);
        _rig.Network.Requests.Should().ContainSingle();
        second.Should().BeSameAs(first);

        await GetAsmAsync(Issuer, bypassCache: true);
        _rig.Network.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_CachedUnderLooserPolicy_StillRefusedUnderStricterPolicy()
    {
        // NET-07, AUTH-44: a document accepted with AllowHttpOnLoopback must not be served from the cache to a caller that
        // does not allow http (one provider can serve a local http server and a remote https server naming the same issuer)
        const string issuer = "http://127.0.0.1:5000";
        JsonObject document = Asm(issuer);
        document["authorization_endpoint"] = "http://127.0.0.1:5000/authorize";
        document["token_endpoint"] = "http://127.0.0.1:5000/token";
        _rig.Network.OnGet("http://127.0.0.1:5000/.well-known/oauth-authorization-server", FakeResponse.Json(document));
        (await GetAsmAsync(issuer, allowHttpOnLoopback: true)).Should().NotBeNull();

        (await FailsAsync(() => GetAsmAsync(issuer, allowHttpOnLoopback: false))).Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_Metadata503Then503Then200_SucceedsWithRetriesOnTheInjectedClock()
    {
        // LOAD-02
        AuthorizationServerDocument? document = await GetAsmAfterTwo503sAsync(FakeResponse.Json(Asm(Issuer)));

        document!.Issuer.Should().Be(Issuer);
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OAuthPathInsert, OAuthPathInsert);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_ServerErrorOutlastsTheRetries_ServerUnreachableNotTheNextCandidate()
    {
        // A 503 is not "no metadata here": read that way it would skip a refresh or fall back to guessed legacy endpoints.
        _rig.Network.OnGet(OidcPathInsert, FakeResponse.Json(Asm(Issuer)));

        McpOAuthException ex = await FailsAsync(() => GetAsmAfterTwo503sAsync(FakeResponse.Status(HttpStatusCode.ServiceUnavailable)));

        ex.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
        _rig.Network.RequestedUris.Should().Equal(OAuthPathInsert, OAuthPathInsert, OAuthPathInsert);
    }

    [Fact]
    public async Task GetAuthorizationServerMetadataAsync_UnknownMembers_KeptAsAdditionalProperties()
    {
        JsonObject document = Asm(Issuer);
        document["x_vendor"] = new JsonObject { ["nested"] = true };
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(document));

        AuthorizationServerDocument? result = await GetAsmAsync(Issuer);

        result!.AdditionalProperties.Should().ContainKey("x_vendor");
    }

    [Fact]
    public async Task GetProtectedResourceMetadataAsync_NullRequest_ThrowsArgumentNull()
    {
        Func<Task> act = () => _discovery.GetProtectedResourceMetadataAsync(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    private Task<ProtectedResourceDocument?> GetPrmAsync(string server, string? resourceMetadata = null, bool bypassCache = false) =>
        _discovery.GetProtectedResourceMetadataAsync(
            new ProtectedResourceMetadataRequest { ServerUri = new Uri(server), ResourceMetadataUri = resourceMetadata, BypassCache = bypassCache },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private Task<AuthorizationServerDocument?> GetAsmAsync(string issuer, bool legacy = false, bool bypassCache = false, bool allowHttpOnLoopback = false) =>
        _discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = issuer, Legacy = legacy, BypassCache = bypassCache, AllowHttpOnLoopback = allowHttpOnLoopback },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

    /// <summary>The issuer's first candidate answers 503, 503 and then <paramref name="third"/>; discovery runs through both
    /// retry delays (LOAD-02) on the fake clock.</summary>
    private async Task<AuthorizationServerDocument?> GetAsmAfterTwo503sAsync(FakeResponse third)
    {
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Status(HttpStatusCode.ServiceUnavailable), FakeResponse.Status(HttpStatusCode.ServiceUnavailable), third);
        Task<AuthorizationServerDocument?> call = GetAsmAsync(Issuer);
        await _rig.Time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        await _rig.Time.AdvanceToNextTimerAsync(TestBackchannel.Timeout);
        return await call;
    }

    /// <summary>The issuer's RFC 8414 document, changed by <paramref name="edit"/>, answers at the first candidate URL, and
    /// discovery must fail: that exception.</summary>
    private Task<McpOAuthException> EditedAsmFailsAsync(Action<JsonObject> edit)
    {
        JsonObject document = Asm(Issuer);
        edit(document);
        _rig.Network.OnGet(OAuthPathInsert, FakeResponse.Json(document));
        return FailsAsync(() => GetAsmAsync(Issuer));
    }

    /// <summary>Runs <paramref name="act"/>, which must fail with an <see cref="McpOAuthException"/>: that exception.</summary>
    private static async Task<McpOAuthException> FailsAsync(Func<Task> act) => (await act.Should().ThrowAsync<McpOAuthException>()).Which;

    private static JsonObject Prm(string resource, string issuer) => new()
    {
        ["resource"] = resource,
        ["authorization_servers"] = new JsonArray(issuer),
        ["scopes_supported"] = new JsonArray("mcp:read"),
    };

    private static JsonObject Asm(string issuer)
    {
        string origin = issuer.StartsWith("http", StringComparison.Ordinal) && Uri.TryCreate(issuer, UriKind.Absolute, out Uri? uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : "https://auth.example.com";
        return new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = origin + "/authorize",
            ["token_endpoint"] = origin + "/token",
            ["registration_endpoint"] = origin + "/register",
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
        };
    }
}
