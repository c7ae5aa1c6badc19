using System.Net;
using System.Text;
using McpOAuth.Client.Internal;
using static McpOAuth.Client.Tests.Builders.BackchannelRig;
using static McpOAuth.Client.Tests.Builders.Clients;
using static McpOAuth.Client.Tests.Builders.TokenResponses;

namespace McpOAuth.Client.Tests.Flow;

public sealed partial class TokenEndpointClientTests : IDisposable
{
    private static readonly Uri RedirectUri = new("http://127.0.0.1:49152/callback");

    private readonly BackchannelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task ExchangeCodeAsync_PublicClient_PostsTheRfc6749FormWithResourceAndNothingInTheQuery()
    {
        // TOK-07, RFC 6749 §4.1.3, RFC 7636 §4.5, RFC 8707 §2
        _rig.RespondWith(TokenJson());

        await ExchangeAsync();

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            request.Method.Should().Be(HttpMethod.Post);
            request.Uri.AbsoluteUri.Should().Be(TokenUrl);
            request.Uri.Query.Should().BeEmpty();
            request.ContentType.Should().StartWith("application/x-www-form-urlencoded");
            request.Authorization.Should().BeNull();
            request.Form.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>>
            {
                ["grant_type"] = ["authorization_code"],
                ["code"] = ["code-123"],
                ["redirect_uri"] = ["http://127.0.0.1:49152/callback"],
                ["code_verifier"] = ["verifier-456"],
                ["client_id"] = ["client-1"],
                ["resource"] = [Resource],
            });
        }
    }

    [Fact]
    public async Task ExchangeCodeAsync_RedirectUriAsRegistered_SentByteIdentical()
    {
        // CB-02, AUTH-23: the token request carries exactly the redirect_uri of the authorization request
        _rig.RespondWith(TokenJson());

        await _rig.Tokens.ExchangeCodeAsync(Context(Preregistered("none")), "code-123", "verifier-456", new Uri("http://127.0.0.1:8080/cb?x=%41"), CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        _rig.Network.Requests.Single().Form["redirect_uri"].Should().Equal("http://127.0.0.1:8080/cb?x=%41");
    }

    [Fact]
    public async Task ExchangeCodeAsync_ClientSecretBasicWithSpecialCharacters_FormEncodesIdAndSecretBeforeBase64()
    {
        // AUTH-25, RFC 6749 §2.3.1 (and Appendix B: space as '+')
        const string clientId = "client:id with space+plus/ü";
        const string secret = "s3cr=t&:% +/~";
        _rig.RespondWith(TokenJson());

        await ExchangeAsync(Preregistered("client_secret_basic", clientId, secret));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        request.Authorization!.Scheme.Should().Be("Basic");
        string credentials = Encoding.UTF8.GetString(Convert.FromBase64String(request.Authorization.Parameter!));
        credentials.Count(c => c == ':').Should().Be(1, "the separator is the only raw ':'");
        string[] parts = credentials.Split(':');
        using (new AssertionScope())
        {
            WebUtility.UrlDecode(parts[0]).Should().Be(clientId);
            WebUtility.UrlDecode(parts[1]).Should().Be(secret);
            parts[1].Should().NotContain(" ").And.NotContain("&").And.NotContain("=");
            request.Form.Should().NotContainKey("client_secret");
        }
    }

    [Fact]
    public async Task ExchangeCodeAsync_ClientSecretPost_PutsTheSecretInTheBodyAndSendsNoAuthorization()
    {
        // AUTH-25
        _rig.RespondWith(TokenJson());

        await ExchangeAsync(Preregistered("client_secret_post", "client-1", "post-secret"));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        request.Authorization.Should().BeNull();
        request.Form["client_id"].Should().Equal("client-1");
        request.Form["client_secret"].Should().Equal("post-secret");
    }

    [Fact]
    public async Task ExchangeCodeAsync_NoneMethod_SendsClientIdOnly()
    {
        // TOK-07: no client_secret for public clients
        _rig.RespondWith(TokenJson());

        await ExchangeAsync(Preregistered("none", "client-1", secret: null));

        RecordedHttpRequest request = _rig.Network.Requests.Single();
        request.Authorization.Should().BeNull();
        request.Form["client_id"].Should().Equal("client-1");
        request.Form.Should().NotContainKey("client_secret");
    }

    [Fact]
    public async Task ExchangeCodeAsync_NoResourceParameter_OmitsResource()
    {
        // McpOAuthOptions.SendResourceParameter = false
        _rig.RespondWith(TokenJson());

        await _rig.Tokens.ExchangeCodeAsync(Context(Preregistered("none"), resource: null), "code-123", "verifier-456", RedirectUri, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        _rig.Network.Requests.Single().Form.Should().NotContainKey("resource");
    }

    [Fact]
    public async Task ExchangeCodeAsync_SuccessfulResponse_TokenSetBoundToResourceIssuerAndClient()
    {
        _rig.RespondWith("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-1\",\"scope\":\"mcp:read\"}");
        DateTimeOffset now = _rig.Time.GetUtcNow();

        TokenSet tokens = await ExchangeAsync();

        using (new AssertionScope())
        {
            tokens.AccessToken.Should().Be("at-1");
            tokens.TokenType.Should().Be("Bearer");
            tokens.RefreshToken.Should().Be("rt-1");
            tokens.ObtainedAt.Should().Be(now);
            tokens.ExpiresAt.Should().Be(now.AddSeconds(3600));
            tokens.Scopes.Should().Equal("mcp:read");
            tokens.Resource.Should().Be(Resource);
            tokens.Issuer.Should().Be(Issuer);
            tokens.ClientId.Should().Be("client-1");
        }
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task ExchangeCodeAsync_BearerInAnyCase_Accepted(string tokenType)
    {
        // TOK-01, RFC 6749 §5.1
        _rig.RespondWith(TokenJson(tokenType: tokenType));

        TokenSet tokens = await ExchangeAsync();

        tokens.TokenType.Should().Be("Bearer");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mac")]
    [InlineData("DPoP")]
    [InlineData("N_A")]
    [InlineData("Bearer ")]
    public async Task ExchangeCodeAsync_TokenTypeMissingOrNotBearer_InvalidResponse(string? tokenType)
    {
        // TOK-01
        _rig.RespondWith(TokenJson(tokenType: tokenType));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData("{\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":null,\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"at\\r\\nX-Injected: 1\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"at 1\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"at\\t1\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"at\\u007f\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":\"\\u00e9t\\u00e9\",\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":12345,\"token_type\":\"Bearer\"}")]
    [InlineData("{\"access_token\":{\"a\":1},\"token_type\":\"Bearer\"}")]
    public async Task ExchangeCodeAsync_AccessTokenMissingOrNotVisibleAscii_InvalidResponse(string body)
    {
        // TOK-02, RFC 6749 §A.12: nothing that could split or inject into a later Authorization header (space, tab, CR LF, DEL,
        // non-ASCII)
        _rig.RespondWith(body);

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")]
    [InlineData("abc-._~+/==")]
    [InlineData("user-1:grant-2:c2VjcmV0")]
    [InlineData("at,1!#$%&'()*;<>?@[]^`{|}")]
    public async Task ExchangeCodeAsync_OpaqueVisibleAsciiAccessToken_Accepted(string accessToken)
    {
        // TOK-02, RFC 6749 §A.12 (issue 12 item 1): access tokens are opaque, such as Cloudflare workers-oauth-provider's
        // userId:grantId:secret; every visible ASCII character is allowed, not only RFC 6750 b64token ones
        _rig.RespondWith(TokenJson(accessToken: accessToken));

        TokenSet tokens = await ExchangeAsync();

        tokens.AccessToken.Should().Be(accessToken);
    }

    [Theory]
    [InlineData("\"rt 1\"")]
    [InlineData("\"rt\\r\\n\"")]
    [InlineData("\"r\\u00e9\"")]
    [InlineData("\"\"")]
    public async Task ExchangeCodeAsync_UnusableRefreshToken_InvalidResponse(string refreshToken)
    {
        _rig.RespondWith("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"refresh_token\":" + refreshToken + "}");

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("\"3600\"", 3600)]
    [InlineData("3600.0", 3600)]
    [InlineData("1", 1)]
    public async Task ExchangeCodeAsync_ExpiresInNumberOrNumericString_ExpiryFromTheInjectedClock(string expiresIn, int seconds)
    {
        // TOK-03: "3600" as a string is accepted (ts-sdk "allows for string expires_in")
        (TokenSet tokens, DateTimeOffset now) = await ExchangeWithExpiresInAsync(expiresIn);

        tokens.ExpiresAt.Should().Be(now.AddSeconds(seconds));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("\"-5\"")]
    public async Task ExchangeCodeAsync_ExpiresInZeroOrNegative_AlreadyExpired(string expiresIn)
    {
        // TOK-03
        (TokenSet tokens, DateTimeOffset now) = await ExchangeWithExpiresInAsync(expiresIn);

        tokens.ExpiresAt.Should().NotBeNull();
        tokens.ExpiresAt!.Value.Should().BeOnOrBefore(now);
        tokens.IsUsableAt(now, TimeSpan.Zero).Should().BeFalse();
    }

    [Theory]
    [InlineData("1e12")]
    [InlineData("1e300")]
    [InlineData("\"99999999999999999999\"")]
    public async Task ExchangeCodeAsync_HugeExpiresIn_CappedWithoutOverflow(string expiresIn)
    {
        // TOK-03: golang-oauth2 TestExpiresInUpperBound
        (TokenSet tokens, DateTimeOffset now) = await ExchangeWithExpiresInAsync(expiresIn);

        tokens.ExpiresAt!.Value.Should().BeAfter(now.AddYears(1)).And.BeOnOrBefore(now.AddYears(100));
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("[3600]")]
    [InlineData("{}")]
    public async Task ExchangeCodeAsync_ExpiresInNotANumber_InvalidResponse(string expiresIn)
    {
        // TOK-03
        _rig.RespondWith(TokenJson(expiresIn: expiresIn));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task ExchangeCodeAsync_NoExpiresIn_NoExpiry()
    {
        // REF-11: a token without expires_in is used until a 401
        _rig.RespondWith(TokenJson(expiresIn: null));

        TokenSet tokens = await ExchangeAsync();

        tokens.ExpiresAt.Should().BeNull();
    }

    [Theory]
    [InlineData("{\"error\":\"invalid_grant\"}", McpOAuthErrorCode.InvalidGrant)]
    [InlineData("{\"error\":\"invalid_client\"}", McpOAuthErrorCode.InvalidClient)]
    [InlineData("{\"error\":\"slow_down\",\"access_token\":\"at-1\",\"token_type\":\"Bearer\"}", McpOAuthErrorCode.TokenRequestFailed)]
    public async Task ExchangeCodeAsync_Status200WithErrorBody_TreatedAsAnError(string body, McpOAuthErrorCode expected)
    {
        // TOK-04: golang-oauth2 TestTokenRetrieveError200
        _rig.RespondWith(body);

        (await ExchangeFailsAsync()).Code.Should().Be(expected);
    }

    [Fact]
    public async Task ExchangeCodeAsync_Status200WithHtml_InvalidResponse()
    {
        // TOK-04
        _rig.Network.OnPost(TokenUrl, FakeResponse.Html("<html>access_token=at-1</html>"));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task ExchangeCodeAsync_Status200WithBrokenJson_InvalidResponse()
    {
        _rig.RespondWith("{\"access_token\":");

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "invalid_grant", McpOAuthErrorCode.InvalidGrant)]
    [InlineData(HttpStatusCode.Unauthorized, "invalid_client", McpOAuthErrorCode.InvalidClient)]
    [InlineData(HttpStatusCode.BadRequest, "unauthorized_client", McpOAuthErrorCode.TokenRequestFailed)] // a policy refusal: nothing is deleted for it
    [InlineData(HttpStatusCode.BadRequest, "invalid_scope", McpOAuthErrorCode.TokenRequestFailed)]
    [InlineData(HttpStatusCode.BadRequest, "invalid_target", McpOAuthErrorCode.TokenRequestFailed)]
    public async Task ExchangeCodeAsync_OAuthError_MapsToCodeWithServerErrorFields(HttpStatusCode status, string error, McpOAuthErrorCode expected)
    {
        // RFC 6749 §5.2, STYLE §8
        _rig.RespondWith(
            $"{{\"error\":\"{error}\",\"error_description\":\"the code\\r\\nexpired\",\"error_uri\":\"https://auth.example.com/e\"}}",
            status);

        McpOAuthException ex = await ExchangeFailsAsync();
        using (new AssertionScope())
        {
            ex.Code.Should().Be(expected);
            ex.Error.Should().Be(error);
            ex.ErrorDescription.Should().Be("the code\r\nexpired");
            ex.ErrorUri.Should().Be("https://auth.example.com/e");
            ex.Message.Should().Contain(error).And.NotContain("\r");
        }
    }

    [Fact]
    public async Task ExchangeCodeAsync_ServerError500Html_TokenRequestFailedWithoutServerError()
    {
        _rig.Network.OnPost(TokenUrl, FakeResponse.Html("<h1>boom</h1>", HttpStatusCode.InternalServerError));

        McpOAuthException ex = await ExchangeFailsAsync();
        ex.Code.Should().Be(McpOAuthErrorCode.TokenRequestFailed);
        ex.Error.Should().BeNull();
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task ExchangeCodeAsync_TransientServerError_PostedExactlyOnce(HttpStatusCode status)
    {
        // TOK-08, LOAD-02: a code works once, so it is never re-POSTed
        _rig.Network.OnPost(TokenUrl, FakeResponse.Status(status), FakeResponse.Json(TokenJson()));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.TokenRequestFailed);
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ExchangeCodeAsync_TenMegabyteResponse_ResponseTooLarge()
    {
        // TOK-05
        _rig.Network.OnPost(TokenUrl, FakeResponse.Huge(10 * 1024 * 1024, declareLength: false));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.ResponseTooLarge);
    }

    [Fact]
    public async Task ExchangeCodeAsync_UnknownAndHugeExtraMembers_Ignored()
    {
        // TOK-10
        _rig.RespondWith("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"id_token\":\"garbage!\",\"x\":{\"y\":[1,2,{\"z\":null}]},\"note\":\"" + new string('n', 100_000) + "\"}");

        TokenSet tokens = await ExchangeAsync();

        tokens.AccessToken.Should().Be("at-1");
    }

    [Fact]
    public async Task ExchangeCodeAsync_ResponseScopeNarrower_TheGrantedScopeIsKept()
    {
        // TOK-09
        _rig.RespondWith("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"scope\":\"mcp:read\"}");

        TokenSet tokens = await _rig.Tokens.ExchangeCodeAsync(Context(Preregistered("none"), scopes: ["mcp:read", "mcp:write"]), "code-123", "verifier-456", RedirectUri, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        tokens.Scopes.Should().Equal("mcp:read");
    }

    [Fact]
    public async Task ExchangeCodeAsync_NoScopeInResponse_TheRequestedScopesAreKept()
    {
        _rig.RespondWith(TokenJson());

        TokenSet tokens = await _rig.Tokens.ExchangeCodeAsync(Context(Preregistered("none"), scopes: ["mcp:read", "mcp:write"]), "code-123", "verifier-456", RedirectUri, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        tokens.Scopes.Should().Equal("mcp:read", "mcp:write");
    }

    [Fact]
    public async Task ExchangeCodeAsync_CallerCancels_OperationCanceledPassesThrough()
    {
        // TOK-06: the caller's cancellation is honoured and passes through unwrapped
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _rig.Network.OnRequest = (_, _) =>
        {
            arrived.TrySetResult();
            return Task.CompletedTask;
        };
        _rig.Network.Hang(HttpMethod.Post, TokenUrl);
        using var cts = new CancellationTokenSource();

        Task<TokenSet> call = _rig.Tokens.ExchangeCodeAsync(Context(Preregistered("none")), "code-123", "verifier-456", RedirectUri, cts.Token);
        await arrived.Task.WaitAsync(TestTimeouts.Default);
        await cts.CancelAsync();
        Func<Task> act = () => call.WaitAsync(TestTimeouts.Default);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RefreshAsync_ResponseWithoutRefreshToken_KeepsTheOldOne()
    {
        // REF-03, AUTH-42
        _rig.RespondWith(TokenJson(accessToken: "at-2"));

        TokenSet tokens = await RefreshAsync("rt-old");

        tokens.AccessToken.Should().Be("at-2");
        tokens.RefreshToken.Should().Be("rt-old");
    }

    [Fact]
    public async Task RefreshAsync_RotatedRefreshToken_ReturnsTheNewOne()
    {
        // REF-02, AUTH-42: rotation
        _rig.RespondWith("{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"refresh_token\":\"rt-new\"}");

        TokenSet tokens = await RefreshAsync("rt-old");

        tokens.RefreshToken.Should().Be("rt-new");
    }

    [Fact]
    public async Task RefreshAsync_ScopeGiven_SendsGrantRefreshTokenResourceScopeAndClientId()
    {
        // REF-08, AUTH-34 (spec Q5: resource on refresh); scope only when the caller narrows or the server needs it (Entra)
        _rig.RespondWith(TokenJson());

        await _rig.Tokens.RefreshAsync(Context(Preregistered("none"), scopes: ["mcp:read", "mcp:write"]), "rt-old", ["mcp:read", "mcp:write"], CancellationToken.None).WaitAsync(TestTimeouts.Default);

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        request.Uri.AbsoluteUri.Should().Be(TokenUrl);
        request.Form.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>>
        {
            ["grant_type"] = ["refresh_token"],
            ["refresh_token"] = ["rt-old"],
            ["scope"] = ["mcp:read mcp:write"],
            ["resource"] = [Resource],
            ["client_id"] = ["client-1"],
        });
    }

    [Fact]
    public async Task RefreshAsync_NoScopeGiven_OmitsScopeAndTheTokensKeepTheGrantedScopes()
    {
        // RFC 6749 §6: an omitted scope is "as originally granted" (issue 12 item 1)
        _rig.RespondWith(TokenJson());

        TokenSet tokens = await _rig.Tokens.RefreshAsync(Context(Preregistered("none"), scopes: ["repo", "gist"]), "rt-old", scope: null, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        _rig.Network.Requests.Single().Form.Should().NotContainKey("scope");
        tokens.Scopes.Should().Equal("repo", "gist");
    }

    [Fact]
    public async Task IsClientForgottenAsync_Request_AnExchangeOfACodeNeverIssuedAuthenticatedAsTheClient()
    {
        // REF-10 (issue 12 item 1): the probe looks like a real exchange, so a known client gets as far as the code check
        _rig.RespondWith("{\"error\":\"invalid_grant\"}");

        await _rig.Tokens.IsClientForgottenAsync(Context(Preregistered("client_secret_post", "client-1", "S3CRET")), RedirectUri, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        IReadOnlyDictionary<string, IReadOnlyList<string>> form = _rig.Network.Requests.Single().Form;
        using (new AssertionScope())
        {
            form["grant_type"].Should().Equal("authorization_code");
            form["code"].Single().Should().StartWith("never-issued-");
            form["redirect_uri"].Should().Equal(RedirectUri.OriginalString);
            form["code_verifier"].Single().Should().HaveLength(43, "a well-formed RFC 7636 verifier");
            form["client_id"].Should().Equal("client-1");
            form["client_secret"].Should().Equal("S3CRET");
            form.Should().NotContainKey("resource");
        }
    }

    [Theory]
    [InlineData("{\"error\":\"invalid_client\"}", HttpStatusCode.Unauthorized, true)]
    [InlineData("{\"error\":\"invalid_client\",\"error_description\":\"Invalid client_id\"}", HttpStatusCode.BadRequest, true)]
    [InlineData("{\"error\":\"invalid_grant\"}", HttpStatusCode.BadRequest, false)]
    [InlineData("{\"error\":\"invalid_request\"}", HttpStatusCode.BadRequest, false)]
    [InlineData("{\"error\":\"unauthorized_client\"}", HttpStatusCode.BadRequest, false)]
    [InlineData("{}", HttpStatusCode.InternalServerError, false)]
    public async Task IsClientForgottenAsync_Answer_OnlyInvalidClientMeansForgotten(string body, HttpStatusCode status, bool forgotten)
    {
        // invalid_client: the server does not know the client; invalid_grant: it does, and refused the code.
        _rig.RespondWith(body, status);

        bool result = await _rig.Tokens.IsClientForgottenAsync(Context(Preregistered("none")), RedirectUri, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        result.Should().Be(forgotten);
    }

    [Fact]
    public async Task RefreshAsync_InvalidGrant_InvalidGrantCode()
    {
        // REF-06
        _rig.RespondWith("{\"error\":\"invalid_grant\"}", HttpStatusCode.BadRequest);

        Func<Task> act = () => RefreshAsync("rt-old");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.InvalidGrant);
        ex.Error.Should().Be("invalid_grant");
    }

    [Fact]
    public async Task RefreshAsync_ErrorDescriptionEchoesTheRefreshToken_RedactedFromTheMessage()
    {
        // LOG-02: an AS error body that echoes the refresh token never reaches an exception message
        const string refreshToken = "rt_abcdef0123456789SECRET";
        _rig.RespondWith(
            $"{{\"error\":\"invalid_grant\",\"error_description\":\"token {refreshToken} revoked\"}}",
            HttpStatusCode.BadRequest);

        Func<Task> act = () => RefreshAsync(refreshToken);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Message.Should().NotContain(refreshToken);
    }

    [Fact]
    public async Task ExchangeAndRefresh_FullSuccessAndFailure_NoSecretEverLogged()
    {
        // LOG-01: tokens, code, verifier and client secret never reach a log
        _rig.Network.OnPost(
            TokenUrl,
            FakeResponse.Json("{\"access_token\":\"AT-SECRET-1\",\"token_type\":\"Bearer\",\"refresh_token\":\"RT-SECRET-1\",\"expires_in\":60}"),
            FakeResponse.Json("{\"error\":\"invalid_grant\",\"error_description\":\"nope\"}", HttpStatusCode.BadRequest));
        ClientRegistration client = Preregistered("client_secret_post", "client-1", "CLIENT-SECRET-1");

        await _rig.Tokens.ExchangeCodeAsync(Context(client), "CODE-SECRET-1", "VERIFIER-SECRET-1", RedirectUri, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        Func<Task> refresh = () => _rig.Tokens.RefreshAsync(Context(client), "RT-SECRET-1", scope: null, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        McpOAuthException ex = (await refresh.Should().ThrowAsync<McpOAuthException>()).Which;

        string everything = _rig.Logger.AllText + "\n" + ex;
        _rig.Logger.Entries.Should().NotBeEmpty();
        foreach (string secret in new[] { "AT-SECRET-1", "RT-SECRET-1", "CLIENT-SECRET-1", "CODE-SECRET-1", "VERIFIER-SECRET-1" })
        {
            everything.Should().NotContain(secret);
            everything.Should().NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
        }
    }

    [Fact]
    public async Task RequestDeviceAuthorizationAsync_Request_PostsScopeResourceAdditionalParametersAndClientId()
    {
        // RFC 8628 §3.1, AUTH-34: resource is sent here too; issue 12 item 2: so are the configured extra parameters (Auth0's audience)
        const string deviceUrl = "https://auth.example.com/device";
        _rig.Network.OnPost(deviceUrl, FakeResponse.Json(
            "{\"device_code\":\"DC-1\",\"user_code\":\"ABCD-EFGH\",\"verification_uri\":\"https://auth.example.com/activate\",\"expires_in\":600,\"interval\":5}"));

        DeviceAuthorizationResponse device = await _rig.Tokens
            .RequestDeviceAuthorizationAsync(new Uri(deviceUrl), new ClientAuthentication(Preregistered("none")), ["mcp:read"], Resource, [new("audience", "https://api.example.com")], CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        device.DeviceCode.Should().Be("DC-1");
        device.UserCode.Should().Be("ABCD-EFGH");
        _rig.Network.Requests.Single().Form.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>>
        {
            ["scope"] = ["mcp:read"],
            ["resource"] = [Resource],
            ["audience"] = ["https://api.example.com"],
            ["client_id"] = ["client-1"],
        });
    }

    [Theory]
    [InlineData("{\"user_code\":\"U\",\"verification_uri\":\"https://a.example/v\"}")]
    [InlineData("{\"device_code\":\"D\",\"verification_uri\":\"https://a.example/v\"}")]
    [InlineData("{\"device_code\":\"D\",\"user_code\":\"U\"}")]
    [InlineData("<html/>")]
    public async Task RequestDeviceAuthorizationAsync_IncompleteResponse_InvalidResponse(string body)
    {
        // RFC 8628 §3.2: device_code, user_code and verification_uri are required
        _rig.Network.OnPost("https://auth.example.com/device", FakeResponse.Json(body));

        Func<Task> act = () => _rig.Tokens.RequestDeviceAuthorizationAsync(new Uri("https://auth.example.com/device"), new ClientAuthentication(Preregistered("none")), [], null, [], CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData("invalid_client", HttpStatusCode.Unauthorized, McpOAuthErrorCode.InvalidClient)] // a forgotten client: registered again (REF-10)
    [InlineData("invalid_scope", HttpStatusCode.BadRequest, McpOAuthErrorCode.TokenRequestFailed)]
    public async Task RequestDeviceAuthorizationAsync_OAuthError_TypedLikeATokenError(string error, HttpStatusCode status, McpOAuthErrorCode expected)
    {
        _rig.Network.OnPost("https://auth.example.com/device", FakeResponse.Json($"{{\"error\":\"{error}\"}}", status));

        Func<Task> act = () => _rig.Tokens.RequestDeviceAuthorizationAsync(new Uri("https://auth.example.com/device"), new ClientAuthentication(Preregistered("none")), [], null, [], CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(expected);
        ex.Error.Should().Be(error);
    }

    [Fact]
    public async Task PollDeviceCodeAsync_Request_PostsTheDeviceGrant()
    {
        // RFC 8628 §3.4
        _rig.RespondWith(TokenJson());

        TokenSet tokens = await _rig.Tokens.PollDeviceCodeAsync(Context(Preregistered("none")), "DC-1", CancellationToken.None).WaitAsync(TestTimeouts.Default);

        tokens.AccessToken.Should().Be("at-1");
        _rig.Network.Requests.Single().Form.Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>>
        {
            ["grant_type"] = ["urn:ietf:params:oauth:grant-type:device_code"],
            ["device_code"] = ["DC-1"],
            ["resource"] = [Resource],
            ["client_id"] = ["client-1"],
        });
    }

    [Theory]
    [InlineData("authorization_pending")]
    [InlineData("slow_down")]
    [InlineData("access_denied")]
    [InlineData("expired_token")]
    public async Task PollDeviceCodeAsync_PendingOrTerminalError_ThrowsCarryingTheError(string error)
    {
        // RFC 8628 §3.5: the caller decides from Error whether to keep polling
        _rig.RespondWith($"{{\"error\":\"{error}\"}}", HttpStatusCode.BadRequest);

        Func<Task> act = () => _rig.Tokens.PollDeviceCodeAsync(Context(Preregistered("none")), "DC-1", CancellationToken.None).WaitAsync(TestTimeouts.Default);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Error.Should().Be(error);
    }

    /// <summary>The code exchange (RFC 6749 §4.1.3), by a public client unless <paramref name="client"/> says otherwise.</summary>
    private Task<TokenSet> ExchangeAsync(ClientRegistration? client = null) =>
        _rig.Tokens.ExchangeCodeAsync(Context(client ?? Preregistered("none")), "code-123", "verifier-456", RedirectUri, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

    /// <summary>The code exchange answered with <paramref name="expiresIn"/> as the raw JSON value of expires_in (TOK-03):
    /// the tokens, and the injected clock's time of the exchange.</summary>
    private async Task<(TokenSet Tokens, DateTimeOffset Now)> ExchangeWithExpiresInAsync(string expiresIn)
    {
        _rig.RespondWith(TokenJson(expiresIn: expiresIn));
        DateTimeOffset now = _rig.Time.GetUtcNow();
        return (await ExchangeAsync(), now);
    }

    /// <summary>The code exchange, which must fail with an <see cref="McpOAuthException"/>: that exception.</summary>
    private async Task<McpOAuthException> ExchangeFailsAsync(ClientRegistration? client = null)
    {
        Func<Task> act = () => ExchangeAsync(client);
        return (await act.Should().ThrowAsync<McpOAuthException>()).Which;
    }

    private Task<TokenSet> RefreshAsync(string refreshToken) =>
        _rig.Tokens.RefreshAsync(Context(Preregistered("none")), refreshToken, scope: null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static TokenRequestContext Context(ClientRegistration client, string? resource = Resource, IReadOnlyList<string>? scopes = null) =>
        new(new Uri(TokenUrl), new ClientAuthentication(client), resource, Resource, scopes ?? []);
}
