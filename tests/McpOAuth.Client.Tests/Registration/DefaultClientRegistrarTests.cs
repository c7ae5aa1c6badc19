using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Registration;

public sealed class DefaultClientRegistrarTests : IDisposable
{
    private const string Issuer = BackchannelRig.Issuer;
    private const string RegistrationEndpoint = Issuer + "/register";
    private static readonly Uri RedirectUri = new("http://127.0.0.1:49152/callback");

    private readonly BackchannelRig _rig = new();
    private readonly DefaultClientRegistrar _registrar;

    public DefaultClientRegistrarTests()
    {
        _registrar = new DefaultClientRegistrar(_rig.Backchannel, _rig.Logger);
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task GetRegistrationAsync_PreregisteredClientAndEverythingElseAvailable_UsesPreregisteredWithoutRequests()
    {
        // AUTH-17 (1), AUTH-18
        var options = new ClientRegistrationOptions { ClientId = "configured-client", ClientMetadataDocumentUri = new Uri("https://app.example/oauth/client.json") };

        ClientRegistration registration = await RegisterAsync(options, Server(cimd: true));

        using (new AssertionScope())
        {
            registration.Kind.Should().Be(ClientRegistrationKind.Preregistered);
            registration.ClientId.Should().Be("configured-client");
            registration.Issuer.Should().Be(Issuer);
            registration.TokenEndpointAuthMethod.Should().Be("none");
            registration.RedirectUris.Should().Equal(RedirectUri.OriginalString);
        }

        _rig.Network.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetRegistrationAsync_CimdSupportedAndConfigured_UsesTheDocumentUrlWithoutRegistering()
    {
        // AUTH-17 (2), AUTH-19: conformance auth/basic-cimd (no POST /register)
        var options = new ClientRegistrationOptions { ClientMetadataDocumentUri = new Uri("https://app.example/oauth/client.json") };

        ClientRegistration registration = await RegisterAsync(options, Server(cimd: true));

        registration.Kind.Should().Be(ClientRegistrationKind.MetadataDocument);
        registration.ClientId.Should().Be("https://app.example/oauth/client.json");
        registration.TokenEndpointAuthMethod.Should().Be("none");
        registration.ClientSecret.Should().BeNull();
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task GetRegistrationAsync_CimdConfiguredButNotAdvertised_FallsBackToDynamicRegistration(bool? supported)
    {
        // AUTH-17, AUTH-19: CIMD only when client_id_metadata_document_supported is true
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client"));
        var options = new ClientRegistrationOptions { ClientMetadataDocumentUri = new Uri("https://app.example/oauth/client.json") };

        ClientRegistration registration = await RegisterAsync(options, Server(cimd: supported));

        registration.Kind.Should().Be(ClientRegistrationKind.Dynamic);
        registration.ClientId.Should().Be("dcr-client");
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetRegistrationAsync_CimdAdvertisedButNotConfigured_UsesDynamicRegistration()
    {
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client"));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions(), Server(cimd: true));

        registration.Kind.Should().Be(ClientRegistrationKind.Dynamic);
    }

    [Fact]
    public async Task GetRegistrationAsync_NoOptionAvailable_ClientRegistrationRequiredNamingTheFix()
    {
        // AUTH-16, AUTH-17 (4): never an authorization request without a client_id; issue 12 item 5: option and CLI flags
        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server(registration: false));

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        ex.Message.Should().Contain("Client.ClientId").And.Contain("--client-id").And.Contain("--issuer " + Issuer).And.Contain("--client-secret-env");
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "{\"error\":\"insufficient_scope\",\"error_description\":\"Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted.\"}")]
    [InlineData(HttpStatusCode.Unauthorized, "{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\"}")]
    public async Task GetRegistrationAsync_AnonymousRegistrationRefused_MessageNamesThePreRegisteredClientOptions(HttpStatusCode status, string body)
    {
        // Issue 12 item 5: Keycloak's Trusted Hosts policy (403), Okta without an API token (401)
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(body, status));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
        ex.Message.Should().Contain("Client.ClientId").And.Contain("--client-id").And.Contain("--issuer");
    }

    [Fact]
    public async Task GetRegistrationAsync_RateLimited429_SaysSoAndGivesNoConfigurationAdvice()
    {
        // Issue 12 item 1: a 429 was reported with advice about loopback redirect URIs
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json("{\"error\":\"too_many_requests\"}", HttpStatusCode.TooManyRequests));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
            ex.Message.Should().Contain("HTTP 429").And.Contain("too many requests").And.Contain("try again later");
            ex.Message.Should().NotContain("loopback").And.NotContain("--client-id");
            _rig.Network.Requests.Should().ContainSingle("a registration is never retried blindly");
        }
    }

    [Fact]
    public async Task GetRegistrationAsync_DynamicRegistrationDisabled_ClientRegistrationRequired()
    {
        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions { AllowDynamicRegistration = false }, Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetRegistrationAsync_DynamicRegistration_SendsNativeLoopbackPublicClientMetadata()
    {
        // REG-02, AUTH-22, AUTH-31 (refresh_token in grant_types)
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client"));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions { ClientName = "Test App" }, Server(methods: ["none", "client_secret_basic"]));

        RecordedHttpRequest request = _rig.Network.Requests.Should().ContainSingle().Subject;
        request.ContentType.Should().StartWith("application/json");
        using JsonDocument body = JsonDocument.Parse(request.Body);
        JsonElement root = body.RootElement;
        using (new AssertionScope())
        {
            root.GetProperty("application_type").GetString().Should().Be("native");
            root.GetProperty("grant_types").EnumerateArray().Select(e => e.GetString()).Should().Equal("authorization_code", "refresh_token");
            root.GetProperty("response_types").EnumerateArray().Select(e => e.GetString()).Should().Equal("code");
            root.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()).Should().Equal("http://127.0.0.1:49152/callback");
            root.GetProperty("token_endpoint_auth_method").GetString().Should().Be("none");
            root.GetProperty("client_name").GetString().Should().Be("Test App");
            root.TryGetProperty("client_secret", out _).Should().BeFalse();
            root.TryGetProperty("scope", out _).Should().BeFalse("no scope was asked for");
            registration.TokenEndpointAuthMethod.Should().Be("none");
            registration.ClientSecret.Should().BeNull();
        }
    }

    [Fact]
    public async Task GetRegistrationAsync_DeviceAuthorization_RegistersTheDeviceGrantWithoutRedirectUris()
    {
        // RFC 8628 §3.4, RFC 7591 §2: a device client has no redirect and asks for the device_code grant
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(new JsonObject { ["client_id"] = "device-client" }, HttpStatusCode.Created));

        ClientRegistration registration = await _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest { Issuer = Issuer, AuthorizationServer = Server(), DeviceAuthorization = true, Options = new ClientRegistrationOptions() },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        JsonElement root = JsonDocument.Parse(_rig.Network.Requests.Single().Body).RootElement;
        using (new AssertionScope())
        {
            root.GetProperty("grant_types").EnumerateArray().Select(e => e.GetString()).Should().Equal("urn:ietf:params:oauth:grant-type:device_code", "refresh_token");
            root.TryGetProperty("redirect_uris", out _).Should().BeFalse();
            root.TryGetProperty("response_types", out _).Should().BeFalse();
            root.GetProperty("application_type").GetString().Should().Be("native");
            registration.ClientId.Should().Be("device-client");
            registration.RedirectUris.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task GetRegistrationAsync_DeviceThenRedirectAtOneIssuer_SeparateRegistrations()
    {
        // REG-05: a device client cannot serve a redirect flow, so the two are cached apart
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(new JsonObject { ["client_id"] = "device-client" }, HttpStatusCode.Created), Registered("redirect-client"));

        ClientRegistration device = await _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest { Issuer = Issuer, AuthorizationServer = Server(), DeviceAuthorization = true, Options = new ClientRegistrationOptions() },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);
        ClientRegistration redirect = await RegisterAsync(new ClientRegistrationOptions(), Server());

        device.ClientId.Should().Be("device-client");
        redirect.ClientId.Should().Be("redirect-client");
        _rig.Network.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetRegistrationAsync_ServerAdvertisesNoAuthMethods_RequestsNone()
    {
        // REG-02: a public client unless the server says otherwise
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client"));

        await RegisterAsync(new ClientRegistrationOptions(), Server(methods: null));

        JsonDocument.Parse(_rig.Network.Requests.Single().Body).RootElement.GetProperty("token_endpoint_auth_method").GetString().Should().Be("none");
    }

    [Fact]
    public async Task GetRegistrationAsync_ServerSupportsOnlyClientSecretBasic_RequestsItAndKeepsTheSecret()
    {
        // AUTH-25
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client", secret: "dcr-secret", method: "client_secret_basic"));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions(), Server(methods: ["client_secret_basic"]));

        JsonDocument.Parse(_rig.Network.Requests.Single().Body).RootElement.GetProperty("token_endpoint_auth_method").GetString().Should().Be("client_secret_basic");
        registration.TokenEndpointAuthMethod.Should().Be("client_secret_basic");
        registration.ClientSecret.Should().Be("dcr-secret");
    }

    [Theory]
    // RFC 7591 §3.2.1: the server may change the method, and the client honours it
    [InlineData("client_secret_post", "dcr-secret", "dcr-secret")]
    // a public client given a secret drops it
    [InlineData("none", "unneeded-secret", null)]
    public async Task GetRegistrationAsync_ServerReturnsAnotherUsableMethod_HonoursItAndKeepsASecretOnlyWhereItIsUsed(
        string method, string secret, string? expectedSecret)
    {
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client", secret: secret, method: method));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions(), Server());

        registration.TokenEndpointAuthMethod.Should().Be(method);
        registration.ClientSecret.Should().Be(expectedSecret);
    }

    [Theory]
    [InlineData("private_key_jwt")]
    [InlineData("tls_client_auth")]
    [InlineData("")]
    public async Task GetRegistrationAsync_ServerRequiresUnsupportedMethod_RegistrationFailed(string method)
    {
        // REG-03: fail clearly before launching the browser
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client", method: method));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
    }

    [Fact]
    public async Task GetRegistrationAsync_SecretMethodWithoutSecret_RegistrationFailed()
    {
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client", method: "client_secret_basic"));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
    }

    [Fact]
    public async Task GetRegistrationAsync_ResponseReplacesRedirectUris_RegistrationFailed()
    {
        // REG-03
        JsonObject body = RegisteredBody("dcr-client");
        body["redirect_uris"] = new JsonArray("https://attacker.example/callback");
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(body, HttpStatusCode.Created));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
    }

    [Fact]
    public async Task GetRegistrationAsync_ResponseEchoesOurRedirectAmongOthers_Accepted()
    {
        JsonObject body = RegisteredBody("dcr-client");
        body["redirect_uris"] = new JsonArray("http://127.0.0.1:49152/callback", "http://127.0.0.1/other");
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(body, HttpStatusCode.Created));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions(), Server());

        registration.RedirectUris.Should().Equal("http://127.0.0.1:49152/callback");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"client_id\":\"\"}")]
    [InlineData("{\"client_id\":null}")]
    [InlineData("{\"client_id\":42}")]
    [InlineData("{\"client_id\":[\"a\"]}")]
    [InlineData("null")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task GetRegistrationAsync_ResponseWithoutUsableClientId_InvalidResponse(string body)
    {
        // REG-04
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(body, HttpStatusCode.Created));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Fact]
    public async Task GetRegistrationAsync_TenMegabyteResponse_ResponseTooLarge()
    {
        // REG-04: read bounded
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Huge(10 * 1024 * 1024, declareLength: false));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ResponseTooLarge);
    }

    [Fact]
    public async Task GetRegistrationAsync_InvalidRedirectUri400_RegistrationFailedCarryingTheServerError()
    {
        // AUTH-22: a typed error naming the cause, RFC 7591 §3.2.2
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(
            "{\"error\":\"invalid_redirect_uri\",\"error_description\":\"loopback\\r\\nnot allowed\",\"error_uri\":\"https://auth.example.com/help\"}",
            HttpStatusCode.BadRequest));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
            ex.Error.Should().Be("invalid_redirect_uri");
            ex.ErrorDescription.Should().Be("loopback\r\nnot allowed");
            ex.ErrorUri.Should().Be("https://auth.example.com/help");
            ex.Message.Should().Contain("invalid_redirect_uri").And.NotContain("\r\n");
        }
    }

    [Fact]
    public async Task GetRegistrationAsync_ServerError500_RegistrationFailedAfterOnePost()
    {
        // REG-07: no retry storm
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Html("<h1>oops</h1>", HttpStatusCode.InternalServerError));

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), Server());

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
        ex.Error.Should().BeNull();
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData("http://auth.example.com/register")]
    [InlineData("javascript:alert(1)")]
    public async Task GetRegistrationAsync_InsecureRegistrationEndpoint_RefusedWithoutPosting(string endpoint)
    {
        // REG-01
        AuthorizationServerDocument server = Server() with { RegistrationEndpoint = endpoint };

        Func<Task> act = () => RegisterAsync(new ClientRegistrationOptions(), server);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetRegistrationAsync_IssuerBoundPreregistrationAtAnotherIssuer_ClientRegistrationRequired()
    {
        // AUTH-24: the configured client id is never sent to another issuer
        var options = new ClientRegistrationOptions { ClientId = "configured-client", Issuer = "https://old-as.example.com" };

        Func<Task> act = () => RegisterAsync(options, Server());

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        _rig.Network.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task GetRegistrationAsync_IssuerBoundPreregistrationDifferingByTrailingSlash_ClientRegistrationRequired()
    {
        // AUTH-24 with AUTH-12: issuers are compared exactly
        var options = new ClientRegistrationOptions { ClientId = "configured-client", Issuer = Issuer + "/" };

        Func<Task> act = () => RegisterAsync(options, Server());

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
    }

    [Fact]
    public async Task GetRegistrationAsync_IssuerBoundPreregistrationAtItsIssuer_Used()
    {
        var options = new ClientRegistrationOptions { ClientId = "configured-client", Issuer = Issuer };

        ClientRegistration registration = await RegisterAsync(options, Server());

        registration.ClientId.Should().Be("configured-client");
    }

    [Theory]
    [InlineData(null, null, "none")]
    [InlineData("s3cret", null, "client_secret_basic")]
    [InlineData("s3cret", new[] { "client_secret_basic", "client_secret_post" }, "client_secret_basic")]
    [InlineData("s3cret", new[] { "client_secret_post" }, "client_secret_post")]
    public async Task GetRegistrationAsync_PreregisteredWithoutConfiguredMethod_ChoosesFromSecretAndServer(string? secret, string[]? methods, string expected)
    {
        // AUTH-25
        var options = new ClientRegistrationOptions { ClientId = "configured-client", ClientSecret = secret };

        ClientRegistration registration = await RegisterAsync(options, Server(methods: methods));

        registration.TokenEndpointAuthMethod.Should().Be(expected);
        registration.ClientSecret.Should().Be(secret);
    }

    [Fact]
    public async Task GetRegistrationAsync_SameIssuerAndRedirectTwice_RegistersOnce()
    {
        // REG-05: at most once per (issuer, redirect URI)
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-1"), Registered("dcr-2"));

        ClientRegistration first = await RegisterAsync(new ClientRegistrationOptions(), Server());
        ClientRegistration second = await RegisterAsync(new ClientRegistrationOptions(), Server());

        second.ClientId.Should().Be(first.ClientId);
        _rig.Network.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetRegistrationAsync_OtherRedirectUriOrOtherIssuer_RegistersAgain()
    {
        // REG-05, AUTH-24: another AS gets its own registration
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-1"), FakeResponse.Json(new JsonObject { ["client_id"] = "dcr-2" }, HttpStatusCode.Created));
        _rig.Network.OnPost("https://as2.example.com/register", Registered("dcr-as2"));

        ClientRegistration first = await RegisterAsync(new ClientRegistrationOptions(), Server());
        ClientRegistration otherPort = await RegisterAsync(new ClientRegistrationOptions(), Server(), new Uri("http://127.0.0.1:50000/callback"));
        ClientRegistration otherIssuer = await RegisterAsync(
            new ClientRegistrationOptions(),
            Server() with { Issuer = "https://as2.example.com", RegistrationEndpoint = "https://as2.example.com/register" },
            issuer: "https://as2.example.com");

        new[] { first.ClientId, otherPort.ClientId, otherIssuer.ClientId }.Should().Equal("dcr-1", "dcr-2", "dcr-as2");
        otherIssuer.Issuer.Should().Be("https://as2.example.com");
        _rig.Network.RequestedUris.Should().Equal(RegistrationEndpoint, RegistrationEndpoint, "https://as2.example.com/register");
    }

    [Fact]
    public async Task ForgetAsync_CachedRegistration_NextCallRegistersAgain()
    {
        // REF-10: invalid_client makes the registration stale
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-1"), Registered("dcr-2"));
        ClientRegistration first = await RegisterAsync(new ClientRegistrationOptions(), Server());

        await _registrar.ForgetAsync(first);
        ClientRegistration second = await RegisterAsync(new ClientRegistrationOptions(), Server());

        second.ClientId.Should().Be("dcr-2");
        _rig.Network.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task GetRegistrationAsync_ClientSecretReturned_NeverLogged()
    {
        // REG-06, LOG-01
        _rig.Network.OnPost(RegistrationEndpoint, Registered("dcr-client", secret: "dcr-secret-value-123", method: "client_secret_basic"));

        ClientRegistration registration = await RegisterAsync(new ClientRegistrationOptions(), Server());

        registration.ClientSecret.Should().Be("dcr-secret-value-123");
        _rig.Logger.Entries.Should().NotBeEmpty();
        _rig.Logger.AllText.Should().NotContain("dcr-secret-value-123");
    }

    [Fact]
    public void ValidateMetadataDocumentUri_ValidHttpsUrlWithPath_DoesNotThrow()
    {
        Action act = () => UriPolicy.RequireClientMetadataDocumentUri(new Uri("https://app.example/oauth/client.json"));

        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("http://app.example/oauth/client.json")]
    [InlineData("https://app.example")]
    [InlineData("https://app.example/")]
    [InlineData("https://app.example/oauth/client.json#frag")]
    [InlineData("https://user@app.example/oauth/client.json")]
    [InlineData("https://app.example/./client.json")]
    [InlineData("https://app.example/oauth/../client.json")]
    [InlineData("https://app.example/oauth/..")]
    public void ValidateMetadataDocumentUri_ForbiddenForm_InsecureEndpoint(string uri)
    {
        // AUTH-20, CIMD §3
        Action act = () => UriPolicy.RequireClientMetadataDocumentUri(new Uri(uri));

        act.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
    }

    [Fact]
    public async Task GetRegistrationAsync_NullRequest_ThrowsArgumentNull()
    {
        Func<Task> act = () => _registrar.GetRegistrationAsync(null!);

        await act.Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task GetRegistrationAsync_ScopesGiven_SentSpaceSeparatedAndTheConfirmedGrantTypesKept()
    {
        // RFC 7591 §2 scope (issue 12 item 1); §3.2.1: the grant types the server registered decide offline_access later
        JsonObject registered = RegisteredBody("dcr-client");
        registered["grant_types"] = new JsonArray("authorization_code");
        _rig.Network.OnPost(RegistrationEndpoint, FakeResponse.Json(registered, HttpStatusCode.Created));

        ClientRegistration registration = await _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest
            {
                Issuer = Issuer,
                AuthorizationServer = Server(),
                RedirectUri = RedirectUri,
                Scopes = ["mcp:read", "mcp:write", "offline_access"],
                Options = new ClientRegistrationOptions(),
            },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

        using JsonDocument body = JsonDocument.Parse(_rig.Network.Requests.Single().Body);
        body.RootElement.GetProperty("scope").GetString().Should().Be("mcp:read mcp:write offline_access");
        registration.GrantTypes.Should().Equal("authorization_code");
    }

    private Task<ClientRegistration> RegisterAsync(ClientRegistrationOptions options, AuthorizationServerDocument server, Uri? redirectUri = null, string issuer = Issuer) =>
        _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest { Issuer = issuer, AuthorizationServer = server, RedirectUri = redirectUri ?? RedirectUri, Options = options },
            CancellationToken.None).WaitAsync(TestTimeouts.Default);

    private static AuthorizationServerDocument Server(bool? cimd = null, bool registration = true, string[]? methods = null) => new()
    {
        Issuer = Issuer,
        AuthorizationEndpoint = Issuer + "/authorize",
        TokenEndpoint = Issuer + "/token",
        RegistrationEndpoint = registration ? RegistrationEndpoint : null,
        CodeChallengeMethodsSupported = ["S256"],
        ClientIdMetadataDocumentSupported = cimd,
        TokenEndpointAuthMethodsSupported = methods,
    };

    private static JsonObject RegisteredBody(string clientId, string? secret = null, string? method = null)
    {
        var body = new JsonObject { ["client_id"] = clientId, ["redirect_uris"] = new JsonArray(RedirectUri.OriginalString) };
        if (secret is not null)
        {
            body["client_secret"] = secret;
        }

        if (method is not null)
        {
            body["token_endpoint_auth_method"] = method;
        }

        return body;
    }

    private static FakeResponse Registered(string clientId, string? secret = null, string? method = null) =>
        FakeResponse.Json(RegisteredBody(clientId, secret, method), HttpStatusCode.Created);
}
