using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;
using static McpOAuth.Client.Tests.Builders.BackchannelRig;
using static McpOAuth.Client.Tests.Builders.TokenResponses;

namespace McpOAuth.Client.Tests.Flow;

/// <summary>Token requests of the machine grants (client credentials, JWT bearer, ID-JAG token exchange) and DPoP at the
/// token endpoint, through <see cref="TokenEndpointClient"/> over a <see cref="FakeHttpMessageHandler"/>.</summary>
public sealed class MachineGrantTests : IDisposable
{
    private const string IdpTokenUrl = "https://idp.example.com/token";
    private const string ClientId = "machine-client";
    private const string ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly BackchannelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    // ---- client_credentials with private_key_jwt (RFC 7523 §2.2, §3) ----

    [Fact]
    public async Task RequestAsync_ClientCredentialsWithPrivateKeyJwt_SendsAssertionAndNeitherClientIdNorSecret()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _rig.RespondWith(TokenJson());

        await RequestAsync(ClientCredentialsForm(scope: "mcp:tools"), Client("private_key_jwt"), key);

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            request.Uri.AbsoluteUri.Should().Be(TokenUrl);
            request.Authorization.Should().BeNull();
            request.Form.Keys.Should().BeEquivalentTo("grant_type", "scope", "resource", "client_assertion_type", "client_assertion");
            request.Form["grant_type"].Should().Equal("client_credentials");
            request.Form["scope"].Should().Equal("mcp:tools");
            request.Form["resource"].Should().Equal(Resource);
            request.Form["client_assertion_type"].Should().Equal(ClientAssertionType);
            request.Form.Should().NotContainKey("client_secret");
            request.Header("DPoP").Should().BeNull();
        }
    }

    [Fact]
    public async Task RequestAsync_PrivateKeyJwtEs256_AssertionClaimsPerRfc7523AndSignedWithTheKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        _rig.RespondWith(TokenJson());
        long now = _rig.Time.GetUtcNow().ToUnixTimeSeconds();

        await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key);

        TestJws assertion = TestJwt.Parse(_rig.Network.Requests.Single().Form["client_assertion"].Single());
        using (new AssertionScope())
        {
            assertion.HeaderString("alg").Should().Be("ES256");
            assertion.HeaderString("typ").Should().Be("JWT");
            assertion.ClaimString("iss").Should().Be(ClientId);
            assertion.ClaimString("sub").Should().Be(ClientId);
            assertion.ClaimString("aud").Should().Be(Issuer);
            assertion.ClaimNumber("iat").Should().Be(now);
            assertion.ClaimNumber("exp").Should().Be(now + 60);
            (assertion.ClaimNumber("exp") - assertion.ClaimNumber("iat")).Should().Be(60);
            assertion.ClaimString("jti").Should().NotBeNullOrEmpty();
            assertion.VerifyWith(publicKey).Should().BeTrue("the AS verifies with the registered public key");
        }
    }

    [Fact]
    public async Task RequestAsync_PrivateKeyJwtRs256_SignatureVerifiesWithTheRsaPublicKey()
    {
        using var key = RSA.Create(2048);
        using var publicKey = RSA.Create(key.ExportParameters(includePrivateParameters: false));
        _rig.RespondWith(TokenJson());

        await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key);

        TestJws assertion = TestJwt.Parse(_rig.Network.Requests.Single().Form["client_assertion"].Single());
        using (new AssertionScope())
        {
            assertion.HeaderString("alg").Should().Be("RS256");
            assertion.VerifyWith(publicKey).Should().BeTrue();
        }
    }

    [Fact]
    public async Task RequestAsync_PrivateKeyJwtTwentyRequests_EveryAssertionHasItsOwnJti()
    {
        // RFC 7523 §3 item 7: the AS may reject a reused jti, so each request signs a new assertion.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _rig.RespondWith(TokenJson());

        for (int i = 0; i < 20; i++)
        {
            await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key);
        }

        _rig.Network.Requests.Select(r => TestJwt.Parse(r.Form["client_assertion"].Single()).ClaimString("jti"))
            .Should().HaveCount(20).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task RequestAsync_PrivateKeyJwtAfterTimeMoves_AssertionIsFresh()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _rig.RespondWith(TokenJson());
        await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key);
        _rig.Time.Advance(TimeSpan.FromHours(2));

        await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key);

        TestJws second = TestJwt.Parse(_rig.Network.Requests[1].Form["client_assertion"].Single());
        second.ClaimNumber("exp").Should().Be(_rig.Time.GetUtcNow().ToUnixTimeSeconds() + 60);
    }

    // ---- client_credentials with client secrets ----

    [Fact]
    public async Task RequestAsync_ClientCredentialsWithClientSecretBasic_BasicHeaderAndNoCredentialsInTheBody()
    {
        _rig.RespondWith(TokenJson());

        await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic", secret: "s3cr=t +/"));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization!.Parameter!));
        using (new AssertionScope())
        {
            request.Authorization.Scheme.Should().Be("Basic");
            decoded.Split(':').Select(WebUtility.UrlDecode).Should().Equal(ClientId, "s3cr=t +/");
            request.Form.Keys.Should().BeEquivalentTo("grant_type", "resource");
            request.Form["grant_type"].Should().Equal("client_credentials");
        }
    }

    [Fact]
    public async Task RequestAsync_ClientCredentialsWithClientSecretPost_IdAndSecretInTheBodyOnly()
    {
        _rig.RespondWith(TokenJson());

        await RequestAsync(ClientCredentialsForm(), Client("client_secret_post", secret: "post-secret"));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        using (new AssertionScope())
        {
            request.Authorization.Should().BeNull();
            request.Form["client_id"].Should().Equal(ClientId);
            request.Form["client_secret"].Should().Equal("post-secret");
            request.Form.Should().NotContainKey("client_assertion");
        }
    }

    [Fact]
    public async Task RequestAsync_ClientCredentialsSuccess_TokenSetForTheResourceAndIssuerWithoutRefreshToken()
    {
        _rig.RespondWith("{\"access_token\":\"cc-at-1\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"a b\"}");

        TokenSet tokens = await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"));

        using (new AssertionScope())
        {
            tokens.AccessToken.Should().Be("cc-at-1");
            tokens.TokenType.Should().Be("Bearer");
            tokens.RefreshToken.Should().BeNull();
            tokens.ExpiresAt.Should().Be(_rig.Time.GetUtcNow().AddSeconds(300));
            tokens.Scopes.Should().Equal("a", "b");
            tokens.Resource.Should().Be(Resource);
            tokens.Issuer.Should().Be(Issuer);
            tokens.ClientId.Should().Be(ClientId);
            tokens.DpopKey.Should().BeNull();
        }
    }

    // ---- JWT bearer grant (RFC 7523 §2.1) ----

    [Fact]
    public async Task RequestAsync_JwtBearer_FormHasGrantTypeAssertionResourceScopeAndClientId()
    {
        const string assertion = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2ln";
        _rig.RespondWith(TokenJson());

        await RequestAsync(JwtBearerForm(assertion, scope: "mcp:read mcp:write"), Client("none"));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        using (new AssertionScope())
        {
            request.Authorization.Should().BeNull();
            request.Form.Keys.Should().BeEquivalentTo("grant_type", "assertion", "scope", "resource", "client_id");
            request.Form["grant_type"].Should().Equal(JwtBearer);
            request.Form["assertion"].Should().Equal(assertion);
            request.Form["scope"].Should().Equal("mcp:read mcp:write");
            request.Form["resource"].Should().Equal(Resource);
            request.Form["client_id"].Should().Equal(ClientId);
        }
    }

    [Fact]
    public async Task RequestAsync_JwtBearerWithPrivateKeyJwtClient_CarriesBothTheGrantAssertionAndTheClientAssertion()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _rig.RespondWith(TokenJson());

        await RequestAsync(JwtBearerForm("grant.assertion.jwt"), Client("private_key_jwt"), key);

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        using (new AssertionScope())
        {
            request.Form["assertion"].Should().Equal("grant.assertion.jwt");
            request.Form["client_assertion_type"].Should().Equal(ClientAssertionType);
            TestJwt.Parse(request.Form["client_assertion"].Single()).VerifyWith(key).Should().BeTrue();
        }
    }

    [Fact]
    public async Task RequestAsync_JwtBearerRejected_InvalidGrantAfterExactlyOneRequest()
    {
        // Workload identity: a rejected assertion is not retried (no second request with the same or another assertion).
        _rig.RespondWith("{\"error\":\"invalid_grant\",\"error_description\":\"audience mismatch\"}", HttpStatusCode.BadRequest);

        Func<Task> act = () => RequestAsync(JwtBearerForm("a.b.c"), Client("none"));

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidGrant);
        _rig.Network.Requests.Should().ContainSingle();
    }

    // ---- ID-JAG token exchange (RFC 8693, SEP-990) ----

    [Fact]
    public async Task ExchangeForIdJagAsync_PublicIdpClient_PostsTheRfc8693FormToTheIdp()
    {
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json(IdJagJson()));

        string idJag = await ExchangeAsync(IdpClient(secret: null), "id.token.value", resource: Resource);

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            idJag.Should().Be("idjag.header.sig");
            request.Uri.AbsoluteUri.Should().Be(IdpTokenUrl);
            request.Authorization.Should().BeNull();
            request.Header("DPoP").Should().BeNull();
            request.Form.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>>
            {
                ["grant_type"] = ["urn:ietf:params:oauth:grant-type:token-exchange"],
                ["requested_token_type"] = ["urn:ietf:params:oauth:token-type:id-jag"],
                ["audience"] = [Issuer],
                ["resource"] = [Resource],
                ["subject_token"] = ["id.token.value"],
                ["subject_token_type"] = ["urn:ietf:params:oauth:token-type:id_token"],
                ["client_id"] = ["idp-client"],
            });
        }
    }

    [Fact]
    public async Task ExchangeForIdJagAsync_ConfidentialIdpClient_AuthenticatesWithBasic()
    {
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json(IdJagJson()));

        await ExchangeAsync(IdpClient(secret: "idp-secret"), "id.token.value", resource: Resource);

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        using (new AssertionScope())
        {
            request.Authorization!.Scheme.Should().Be("Basic");
            Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization.Parameter!)).Should().Be("idp-client:idp-secret");
            request.Form.Should().NotContainKey("client_secret");
        }
    }

    [Fact]
    public async Task ExchangeForIdJagAsync_NoResource_OmitsResource()
    {
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json(IdJagJson()));

        await ExchangeAsync(IdpClient(secret: null), "id.token.value", resource: null);

        _rig.Network.Requests.Single().Form.Should().NotContainKey("resource");
    }

    [Theory]
    [InlineData("N_A")]
    [InlineData("Bearer")]
    [InlineData(null)]
    public async Task ExchangeForIdJagAsync_AnyTokenType_AcceptedBecauseAnIdJagIsNotAnAccessToken(string? tokenType)
    {
        // RFC 8693 §2.2.1: token_type N_A when the issued token is not an access token.
        var body = new JsonObject
        {
            ["access_token"] = "idjag.header.sig",
            ["issued_token_type"] = "urn:ietf:params:oauth:token-type:id-jag",
        };
        if (tokenType is not null)
        {
            body["token_type"] = tokenType;
        }

        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json(body));

        string idJag = await ExchangeAsync(IdpClient(secret: null), "id.token.value", Resource);

        idJag.Should().Be("idjag.header.sig");
    }

    /// <summary>IdP answers without a usable ID-JAG: an issued_token_type other than id-jag (compared exactly), or no
    /// usable token at all.</summary>
    public static TheoryData<string> UnusableIdJagAnswers =>
    [
        IdJagJson(issuedTokenType: "urn:ietf:params:oauth:token-type:access_token"),
        IdJagJson(issuedTokenType: "urn:ietf:params:oauth:token-type:id_token"),
        IdJagJson(issuedTokenType: "urn:ietf:params:oauth:token-type:ID-JAG"),
        IdJagJson(issuedTokenType: ""),
        "{\"token_type\":\"N_A\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\"}",
        "{\"access_token\":\"\",\"token_type\":\"N_A\"}",
        "{\"access_token\":\"a b\\r\\nX: 1\",\"token_type\":\"N_A\"}",
        "not json",
    ];

    [Theory]
    [MemberData(nameof(UnusableIdJagAnswers))]
    public async Task ExchangeForIdJagAsync_IssuedTokenTypeNotIdJagOrNoUsableIdJag_InvalidResponse(string body)
    {
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json(body));

        Func<Task> act = () => ExchangeAsync(IdpClient(secret: null), "id.token.value", Resource);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task ExchangeForIdJagAsync_IdpRefuses_TokenRequestFailedWithTheIdpError()
    {
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json("{\"error\":\"invalid_request\",\"error_description\":\"audience unknown\"}", HttpStatusCode.BadRequest));

        Func<Task> act = () => ExchangeAsync(IdpClient(secret: null), "id.token.value", Resource);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.TokenRequestFailed);
            ex.Error.Should().Be("invalid_request");
            ex.Message.Should().Contain("audience unknown");
        }
    }

    // ---- DPoP at the token endpoint (RFC 9449 §5, §8) ----

    [Fact]
    public async Task RequestAsync_WithDpop_SendsAValidProofForThisTokenEndpoint()
    {
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.RespondWith(TokenJson(tokenType: "DPoP"));

        await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);

        string? header = _rig.Network.Requests.Single().Header("DPoP");
        TestJws proof = TestJwt.Parse(header!);
        using (new AssertionScope())
        {
            proof.HeaderString("typ").Should().Be("dpop+jwt");
            proof.VerifyWithHeaderJwk().Should().BeTrue();
            TestJwt.HasPrivateMembers((JsonObject)proof.Header["jwk"]!).Should().BeFalse();
            proof.ClaimString("htm").Should().Be("POST");
            proof.ClaimString("htu").Should().Be(TokenUrl);
            proof.ClaimNumber("iat").Should().Be(_rig.Time.GetUtcNow().ToUnixTimeSeconds());
            proof.Payload.Should().NotContainKey("ath", "a token request proof binds no access token");
        }
    }

    [Theory]
    [InlineData("DPoP", true)]
    [InlineData("dpop", true)]
    [InlineData("DPOP", true)]
    [InlineData("Bearer", false)]
    public async Task RequestAsync_WithDpop_DpopTokenTypeInAnyCaseIsBoundToTheSessionKeyAndBearerIsNot(string issuedType, bool bound)
    {
        // RFC 9449 §5: token_type is case-insensitive; an AS that does not bind the token answers Bearer, and the client then
        // uses it as a bearer token.
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.RespondWith(TokenJson(tokenType: issuedType));

        TokenSet tokens = await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);

        using (new AssertionScope())
        {
            tokens.TokenType.Should().Be(bound ? "DPoP" : "Bearer");
            tokens.DpopKey.Should().Be(bound ? dpop.Key : null);
        }
    }

    [Fact]
    public async Task RequestAsync_DpopTokenTypeWithoutProof_InvalidResponse()
    {
        _rig.RespondWith(TokenJson(tokenType: "DPoP"));

        Func<Task> act = () => RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"));

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task RequestAsync_UseDpopNonce_RetriedExactlyOnceWithTheNonceANewJtiAndANewClientAssertion()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(TokenUrl, UseDpopNonce("as-nonce-1"), FakeResponse.Json(TokenJson(tokenType: "DPoP")));

        TokenSet tokens = await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key, dpop);

        _rig.Network.Requests.Should().HaveCount(2);
        TestJws first = TestJwt.Parse(_rig.Network.Requests[0].Header("DPoP")!);
        TestJws second = TestJwt.Parse(_rig.Network.Requests[1].Header("DPoP")!);
        using (new AssertionScope())
        {
            tokens.TokenType.Should().Be("DPoP");
            first.Payload.Should().NotContainKey("nonce");
            second.ClaimString("nonce").Should().Be("as-nonce-1");
            second.ClaimString("jti").Should().NotBe(first.ClaimString("jti"));
            second.VerifyWithHeaderJwk().Should().BeTrue();
            TestJwt.Thumbprint((JsonObject)second.Header["jwk"]!).Should().Be(TestJwt.Thumbprint((JsonObject)first.Header["jwk"]!));
            TestJwt.Parse(_rig.Network.Requests[1].Form["client_assertion"].Single()).ClaimString("jti")
                .Should().NotBe(TestJwt.Parse(_rig.Network.Requests[0].Form["client_assertion"].Single()).ClaimString("jti"));
            _rig.Network.Requests[1].Form["grant_type"].Should().Equal("client_credentials");
        }
    }

    [Fact]
    public async Task RequestAsync_UseDpopNonceTwice_OnlyOneRetryThenTheError()
    {
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(TokenUrl, UseDpopNonce("n-1"), UseDpopNonce("n-2"), FakeResponse.Json(TokenJson(tokenType: "DPoP")));

        Func<Task> act = () => RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Error.Should().Be("use_dpop_nonce");
            _rig.Network.Requests.Should().HaveCount(2);
        }
    }

    [Fact]
    public async Task RequestAsync_UseDpopNonceWithoutDpopNonceHeader_NotRetried()
    {
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(TokenUrl, FakeResponse.Json("{\"error\":\"use_dpop_nonce\"}", HttpStatusCode.BadRequest), FakeResponse.Json(TokenJson(tokenType: "DPoP")));

        Func<Task> act = () => RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);

        await act.Should().ThrowAsync<McpOAuthException>();
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task RequestAsync_UseDpopNonceWithoutDpop_NotRetried()
    {
        _rig.Network.OnPost(TokenUrl, UseDpopNonce("n-1"), FakeResponse.Json(TokenJson()));

        Func<Task> act = () => RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"));

        await act.Should().ThrowAsync<McpOAuthException>();
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task RequestAsync_JwtBearerWithUseDpopNonce_RetriedOnceWithTheSameGrantAssertion()
    {
        // The nonce retry resends the same grant; it is not a second attempt with another assertion.
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(TokenUrl, UseDpopNonce("n-1"), FakeResponse.Json(TokenJson(tokenType: "DPoP")));

        await RequestAsync(JwtBearerForm("workload.jwt.sig"), Client("none"), dpop: dpop);

        _rig.Network.Requests.Select(r => r.Form["assertion"].Single()).Should().Equal("workload.jwt.sig", "workload.jwt.sig");
    }

    [Fact]
    public async Task RequestAsync_DpopNonceOnASuccessfulResponse_UsedByTheNextTokenRequest()
    {
        // RFC 9449 §8.2: a nonce supplied with a 200 is used for the next token request.
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(TokenUrl, WithNonce(FakeResponse.Json(TokenJson(tokenType: "DPoP")), "fresh-nonce"));

        await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);
        await RequestAsync(ClientCredentialsForm(), Client("client_secret_basic"), dpop: dpop);

        TestJwt.Parse(_rig.Network.Requests[1].Header("DPoP")!).ClaimString("nonce").Should().Be("fresh-nonce");
    }

    // ---- LOG-02: secrets an AS echoes are redacted ----

    public static TheoryData<string> EchoedSecrets => ["client_secret_post", "client_secret_basic", "private_key_jwt", "jwt-bearer"];

    [Theory]
    [MemberData(nameof(EchoedSecrets))]
    public async Task RequestAsync_ErrorEchoesTheCredentialSent_RedactedFromMessageAndDescription(string kind)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string secret = "CLIENT-SECRET-abcdef123456";
        const string grantAssertion = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJXT1JLTE9BRCJ9.U0VDUkVULVNJRw";
        _rig.Network.On(HttpMethod.Post, TokenUrl, (request, _) =>
        {
            // A careless AS that echoes everything it was sent, the Authorization header included.
            string echo = request.Body + " auth=" + request.Authorization?.Parameter + " decoded="
                + (request.Authorization?.Parameter is { } p ? Encoding.UTF8.GetString(Convert.FromBase64String(p)) : string.Empty);
            var body = new JsonObject { ["error"] = "invalid_client", ["error_description"] = "rejected: " + WebUtility.UrlDecode(echo) };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            });
        });
        (List<KeyValuePair<string, string>> form, ClientRegistration client, string[] secrets) = kind switch
        {
            "client_secret_post" => (ClientCredentialsForm(), Client("client_secret_post", secret: secret), new[] { secret }),
            "client_secret_basic" => (ClientCredentialsForm(), Client("client_secret_basic", secret: secret), new[] { secret }),
            "private_key_jwt" => (ClientCredentialsForm(), Client("private_key_jwt"), Array.Empty<string>()),
            _ => (JwtBearerForm(grantAssertion), Client("none"), new[] { grantAssertion }),
        };

        Func<Task> act = () => RequestAsync(form, client, key);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        string[] sent = [.. secrets, .. _rig.Network.Requests.Single().Form.TryGetValue("client_assertion", out IReadOnlyList<string>? a) ? a : []];
        sent.Should().NotBeEmpty();
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.InvalidClient);
            foreach (string value in sent)
            {
                ex.Message.Should().NotContain(value);
                (ex.ErrorDescription ?? string.Empty).Should().NotContain(value);
                ex.ToString().Should().NotContain(value);
            }
        }
    }

    [Fact]
    public async Task ExchangeForIdJagAsync_ErrorEchoesTheIdTokenAndIdpSecret_RedactedFromTheMessage()
    {
        const string idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.SUQtVE9LRU4tU0lH";
        const string idpSecret = "IDP-SECRET-0123456789";
        _rig.Network.OnPost(
            IdpTokenUrl,
            FakeResponse.Json($"{{\"error\":\"invalid_grant\",\"error_description\":\"subject_token {idToken} from client idp-client:{idpSecret} is expired\"}}", HttpStatusCode.BadRequest));

        Func<Task> act = () => ExchangeAsync(IdpClient(secret: idpSecret), idToken, Resource);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Message.Should().NotContain(idToken);
            (ex.ErrorDescription ?? string.Empty).Should().NotContain(idToken);
            ex.Message.Should().NotContain(idpSecret);
            (ex.ErrorDescription ?? string.Empty).Should().NotContain(idpSecret);
        }
    }

    [Fact]
    public async Task RequestAsync_MachineGrantsWithDpop_NoSecretReachesTheLog()
    {
        // LOG-01 for the new grants: secrets, assertions, proofs and tokens never reach a log.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using DpopSession dpop = DpopSession.Create(_rig.Time);
        _rig.Network.OnPost(
            TokenUrl,
            UseDpopNonce("nonce-SECRET-1"),
            FakeResponse.Json("{\"access_token\":\"AT-SECRET-1\",\"token_type\":\"DPoP\",\"expires_in\":60}"),
            FakeResponse.Json("{\"error\":\"invalid_grant\"}", HttpStatusCode.BadRequest));

        await RequestAsync(ClientCredentialsForm(), Client("private_key_jwt"), key, dpop);
        Func<Task> rejected = () => RequestAsync(JwtBearerForm("WORKLOAD.ASSERTION.SECRET"), Client("client_secret_post", secret: "CLIENT-SECRET-1"), dpop: dpop);
        McpOAuthException ex = (await rejected.Should().ThrowAsync<McpOAuthException>()).Which;

        string everything = _rig.Logger.AllText + "\n" + ex;
        string[] secrets =
        [
            "AT-SECRET-1", "CLIENT-SECRET-1", "WORKLOAD.ASSERTION.SECRET", dpop.Key,
            .. _rig.Network.Requests.SelectMany(r => new[] { r.Header("DPoP"), r.Form.TryGetValue("client_assertion", out var a) ? a[0] : null })
                .OfType<string>(),
        ];
        using (new AssertionScope())
        {
            _rig.Logger.Entries.Should().NotBeEmpty();
            foreach (string secret in secrets)
            {
                everything.Should().NotContain(secret);
            }
        }
    }

    private Task<TokenSet> RequestAsync(
        List<KeyValuePair<string, string>> form,
        ClientRegistration client,
        AsymmetricAlgorithm? assertionKey = null,
        DpopSession? dpop = null)
    {
        // The form names the grant and its parameters; each grant has its own typed method.
        string[] scopes = form.Where(p => p.Key == "scope").SelectMany(p => p.Value.Split(' ')).ToArray();
        var context = new TokenRequestContext(new Uri(TokenUrl), new ClientAuthentication(client, assertionKey), Resource, Resource, scopes, dpop);
        Task<TokenSet> request = form[0].Value == "client_credentials"
            ? _rig.Tokens.ClientCredentialsAsync(context, CancellationToken.None)
            : _rig.Tokens.JwtBearerAsync(context, form.Single(p => p.Key == "assertion").Value, "JwtBearer", CancellationToken.None);
        return request.WaitAsync(TestTimeouts.Default);
    }

    private Task<string> ExchangeAsync(ClientRegistration idpClient, string idToken, string? resource) =>
        _rig.Tokens.ExchangeForIdJagAsync(new Uri(IdpTokenUrl), new ClientAuthentication(idpClient), idToken, Issuer, resource, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

    private static List<KeyValuePair<string, string>> ClientCredentialsForm(string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        return form;
    }

    private static List<KeyValuePair<string, string>> JwtBearerForm(string assertion, string? scope = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", JwtBearer), new("assertion", assertion) };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        return form;
    }

    private static ClientRegistration Client(string method, string? secret = "client-secret") => Clients.Preregistered(method, ClientId, secret);

    private static ClientRegistration IdpClient(string? secret) => new()
    {
        ClientId = "idp-client",
        ClientSecret = secret,
        TokenEndpointAuthMethod = secret is null ? "none" : "client_secret_basic",
        Issuer = "https://idp.example.com",
    };

    private static string IdJagJson(string issuedTokenType = "urn:ietf:params:oauth:token-type:id-jag") =>
        $"{{\"access_token\":\"idjag.header.sig\",\"token_type\":\"N_A\",\"issued_token_type\":\"{issuedTokenType}\",\"expires_in\":300}}";

    private static FakeResponse UseDpopNonce(string nonce) =>
        WithNonce(FakeResponse.Json("{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce in DPoP proof\"}", HttpStatusCode.BadRequest), nonce);

    private static FakeResponse WithNonce(FakeResponse inner, string nonce) => FakeResponse.From(() =>
    {
        HttpResponseMessage response = inner.Create();
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);
        response.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        return response;
    });
}
