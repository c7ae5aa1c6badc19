using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The MCP authorization extensions end to end through <see cref="McpOAuthProviderFactory"/> and
/// <see cref="McpOAuthHandler"/>: client credentials, the JWT bearer grant (workload identity), enterprise-managed
/// authorization (ID-JAG), and DPoP with nonces, against loopback servers that verify every signature. This part: grant
/// selection and client credentials, and the starters the other parts share.</summary>
public sealed partial class ExtensionGrantTests : ServerPairTest
{
    private const string ClientId = "machine-client";
    private const string ClientSecret = "machine-SECRET-0123456789abcdef";
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string PlatformIssuer = "https://platform.example.com";

    [Fact]
    public async Task SendAsync_AutomaticWithSecretBoundToAnotherIssuer_NeverSendsTheSecretToAMetadataChosenServer()
    {
        // T10, AUTH-24: a hostile MCP server can name an authorization server that lists only client_credentials; a client
        // whose secret is bound to another issuer must not answer it with the secret, by any grant.
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = "https://honest-as.example.com";
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        authorizationServer.Requests.Should().NotContain(r => (r.Authorization ?? string.Empty).StartsWith("Basic ", StringComparison.Ordinal)
            || r.FormValue("client_secret") != null || r.FormValue("client_id") == ClientId);
    }

    [Fact]
    public async Task SendAsync_AutomaticAndAsListsOnlyClientCredentials_GetsAClientCredentialsTokenWithoutBrowser()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = MachineClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(0);
            authorizationServer.AuthorizeRequestCount.Should().Be(0);
            authorizationServer.RegistrationCount.Should().Be(0);
            tokenRequest.StatusCode.Should().Be(200);
            tokenRequest.FormValue("grant_type").Should().Be("client_credentials");
            tokenRequest.FormValue("resource").Should().Be(mcpServer.Resource);
            tokenRequest.Authorization.Should().StartWith("Basic ");
            tokenRequest.FormValue("client_secret").Should().BeNull();
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200");
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
            authorizationServer.IssuedAccessTokens.Single().GrantType.Should().Be("client_credentials");
        }
    }

    [Fact]
    public async Task SendAsync_ClientCredentialsWithClientSecretPost_SecretInTheBody()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_post");
        using var client = McpClientHarness.Create(o =>
        {
            o.GrantType = McpOAuthGrantType.ClientCredentials;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        using (new AssertionScope())
        {
            tokenRequest.Authorization.Should().BeNull();
            tokenRequest.FormValue("client_id").Should().Be(ClientId);
            tokenRequest.FormValue("client_secret").Should().Be(ClientSecret);
        }
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task SendAsync_ClientCredentialsWithPrivateKeyJwt_AsVerifiesTheAssertionWithTheRegisteredPublicKey(string algorithm)
    {
        using AsymmetricAlgorithm key = algorithm == "ES256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        using AsymmetricAlgorithm publicKey = PublicHalf(key);
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("private_key_jwt", publicKey);
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", authorizationServer.ExtensionRejections));
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        TestJws assertion = TestJwt.Parse(tokenRequest.FormValue("client_assertion")!);
        using (new AssertionScope())
        {
            tokenRequest.Authorization.Should().BeNull();
            tokenRequest.FormValue("client_secret").Should().BeNull();
            tokenRequest.FormValue("client_assertion_type").Should().Be("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            assertion.HeaderString("alg").Should().Be(algorithm);
            assertion.ClaimString("aud").Should().Be(authorizationServer.Issuer);
            assertion.VerifyWith(publicKey).Should().BeTrue();
        }
    }

    [Fact]
    public async Task SendAsync_AutomaticWithSecretButAsAlsoTakesAuthorizationCode_SignsInWithTheBrowser()
    {
        // Automatic picks client credentials only when the AS does not take the authorization code grant.
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = ["authorization_code", "refresh_token", "client_credentials"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
        });
        authorizationServer.EnableExtensionGrants();
        using var client = MachineClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
            authorizationServer.TokenRequestCount("client_credentials").Should().Be(0);
        }
    }

    [Theory]
    [InlineData(McpOAuthGrantType.ClientCredentials)]
    [InlineData(McpOAuthGrantType.JwtBearer)]
    public async Task SendAsync_ExplicitGrantNotInGrantTypesSupported_ThrowsGrantNotSupportedWithoutTokenRequest(McpOAuthGrantType grant)
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = ["authorization_code", "refresh_token"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
        });
        authorizationServer.EnableExtensionGrants();
        using var client = McpClientHarness.Create(o =>
        {
            o.GrantType = grant;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.AssertionProvider = (_, _) => ValueTask.FromResult("never.used.jwt");
            o.Client.Issuer = authorizationServer.Issuer;
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.GrantNotSupported);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().BeEmpty();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_AllowInteractiveFalse_MachineGrantStillSignsIn()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = McpClientHarness.Create(o =>
        {
            o.AllowInteractive = false;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer; // automatic client credentials only for a client bound to this issuer
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        authorizationServer.TokenRequestCount("client_credentials").Should().Be(1);
    }

    [Fact]
    public async Task SendAsync_MachineTokenExpiredAnd20ConcurrentRequests_ObtainedAgainOnceWithoutBrowser()
    {
        const int Count = 20;
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", configure: o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
        }, mcp: o => o.TimeProvider = time);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer; // automatic client credentials only for a client bound to this issuer
            },
            timeProvider: time);
        await client.CallOkAsync(mcpServer.McpUri, "initialize");

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(2, Count).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        try
        {
            string renewed = authorizationServer.IssuedAccessTokens[^1].Token;
            using (new AssertionScope())
            {
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                client.Browser.LaunchCount.Should().Be(0);
                authorizationServer.TokenRequestCount("client_credentials").Should().Be(2);
                authorizationServer.IssuedAccessTokens.Should().HaveCount(2);
                mcpServer.McpRequests.Count(r => r.StatusCode == 401).Should().Be(1, "only the very first request found no token");
                mcpServer.McpRequests.Skip(2).Should().HaveCount(Count).And.OnlyContain(r => r.BearerToken == renewed);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    /// <summary>Servers whose authorization server knows only <see cref="ClientId"/>, a machine client that authenticates
    /// with <paramref name="method"/> (its secret, or <paramref name="clientPublicKey"/>'s private half).</summary>
    private async Task<ServerPair> StartMachineServersAsync(
        string method,
        AsymmetricAlgorithm? clientPublicKey = null,
        IReadOnlyList<string>? grantTypes = null,
        Action<TestAuthorizationServerOptions>? configure = null,
        Action<TestMcpServerOptions>? mcp = null)
    {
        ServerPair servers = await StartServersAsync(
            o =>
            {
                o.GrantTypesSupported = grantTypes ?? ["client_credentials"];
                o.OnlyPreRegistered(ClientId, method == "private_key_jwt" ? null : ClientSecret, method, grantTypes ?? ["client_credentials"]);
                configure?.Invoke(o);
            },
            mcp);
        servers.AuthorizationServer.EnableExtensionGrants(x =>
        {
            if (clientPublicKey is not null)
            {
                x.ClientKeys[ClientId] = clientPublicKey;
            }
        });
        return servers;
    }

    /// <summary>A client pre-registered at <paramref name="authorizationServer"/> with <see cref="ClientId"/> and
    /// <see cref="ClientSecret"/>, bound to its issuer: automatic client credentials only for a client bound to it.</summary>
    private static McpClientHarness MachineClient(TestAuthorizationServer authorizationServer, bool useDpop = false) =>
        McpClientHarness.Create(o =>
        {
            o.UseDpop = useDpop;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = authorizationServer.Issuer;
        });

    private async Task<ServerPair> StartWorkloadServersAsync(AsymmetricAlgorithm platformKey, bool alsoAuthorizationCode = false)
    {
        ServerPair servers = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = alsoAuthorizationCode ? ["authorization_code", "refresh_token", JwtBearerGrant] : [JwtBearerGrant];
            o.TokenEndpointAuthMethodsSupported = ["none"];
            o.RegistrationEnabled = alsoAuthorizationCode;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = "workload", GrantTypes = [JwtBearerGrant] });
        });
        servers.AuthorizationServer.EnableExtensionGrants(x => x.AssertionIssuerKeys[PlatformIssuer] = platformKey);
        return servers;
    }

    private static string WorkloadJwt(AsymmetricAlgorithm key, string audience)
    {
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return TestJwt.Sign(
            new JsonObject
            {
                ["iss"] = PlatformIssuer,
                ["sub"] = "system:serviceaccount:ci:agent",
                ["aud"] = audience,
                ["iat"] = now,
                ["exp"] = now + 300,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            key);
    }

    private static AsymmetricAlgorithm PublicHalf(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ECDsa.Create(ec.ExportParameters(includePrivateParameters: false)),
        RSA rsa => RSA.Create(rsa.ExportParameters(includePrivateParameters: false)),
        _ => throw new ArgumentException("Unsupported key.", nameof(key)),
    };

    private static string StoredKeyThumbprint(string pkcs8)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        ECParameters p = key.ExportParameters(includePrivateParameters: false);
        return TestJwt.Thumbprint(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = TestJwt.B64(p.Q.X), ["y"] = TestJwt.B64(p.Q.Y) });
    }

    private static string? DecodeBasic(string? authorization) =>
        authorization is not null && authorization.StartsWith("Basic ", StringComparison.Ordinal)
            ? WebUtility.UrlDecode(Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])))
            : null;
}
