using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Issue 10, item 5 (LOG-01, LOG-02, LOG-03): every flow runs with logging at Trace, tracing and metrics on, against the
/// loopback servers, and no token, code, verifier, secret, assertion, <c>state</c> or private key that went over the wire
/// appears in a log entry, an exception, a span or a measurement (<see cref="LeakWitness"/>).</summary>
public sealed class SecretLeakTests : ServerPairTest
{
    private const string ClientId = "leak-client";
    private const string ClientSecret = "leak-SECRET-0123456789abcdef";
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    [Fact]
    public async Task CodeFlow_SignInRefreshRejectedRefreshAndSignOut_WithDpop_LeaksNothing()
    {
        var time = new FakeTimeProvider();
        using var witness = new LeakWitness();
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post"];
            o.RevocationEnabled = true;
        }, o => o.TimeProvider = time);
        authorizationServer.EnableExtensionGrants();
        witness.Watch(authorizationServer);
        DpopResourceGuard.Install(mcpServer);
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(o => o.UseDpop = true, time, witness.LoggerFactory, store);

        await CallAsync(client, mcpServer, 1, authorizationServer);
        await witness.AddDpopKeysAsync(store);
        time.Advance(TimeSpan.FromMinutes(6));
        await CallAsync(client, mcpServer, 2, authorizationServer);
        authorizationServer.RevokeAllTokens();
        time.Advance(TimeSpan.FromMinutes(6));
        await CallAsync(client, mcpServer, 3, authorizationServer);
        await witness.AddDpopKeysAsync(store);
        SignOutResult signOut = await client.Provider.SignOutAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Where(r => r.FormValue("grant_type") == "refresh_token").Select(r => r.StatusCode)
                .Should().Equal([200, 400], "one refresh succeeds, one is refused invalid_grant");
            client.Browser.LaunchCount.Should().Be(2);
            signOut.Revoked.Should().ContainSingle();
            authorizationServer.TokenRequests.Should().OnlyContain(r => r.HeaderValue("DPoP") != null);
            witness.Spans.Should().Contain(s => s.OperationName == McpOAuthTelemetry.RevokeActivity && (string?)s.GetTagItem("mcpoauth.revocation.outcome") == "revoked");
            witness.AssertNothingLeaked(atLeastSecrets: 15);
        }
    }

    [Fact]
    public async Task DeviceFlow_PrivateKeyJwtAndDpop_LeaksNothing()
    {
        using var witness = new LeakWitness();
        using ECDsa key = WatchedKey(witness, "client assertion key");
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
            o.GrantTypesSupported = ["authorization_code", "refresh_token", DeviceGrant];
            o.TokenEndpointAuthMethodsSupported = ["private_key_jwt"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, TokenEndpointAuthMethod = "private_key_jwt", GrantTypes = [DeviceGrant] });
        });
        authorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        witness.Watch(authorizationServer);
        DpopResourceGuard.Install(mcpServer);
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(
            o =>
            {
                o.UseDeviceAuthorization = true;
                o.UseDpop = true;
                o.ShowDeviceCode = (context, _) =>
                {
                    authorizationServer.ApproveDevice(context.UserCode);
                    return ValueTask.CompletedTask;
                };
                o.Client.ClientId = ClientId;
                o.Client.ClientAssertionKey = key;
                o.Client.Issuer = authorizationServer.Issuer;
            },
            loggerFactory: witness.LoggerFactory,
            tokenStore: store);

        await CallAsync(client, mcpServer, 1, authorizationServer);
        await witness.AddDpopKeysAsync(store);

        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount(DeviceGrant).Should().BeGreaterThanOrEqualTo(1);
            witness.AssertNothingLeaked(atLeastSecrets: 8);
        }
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    [InlineData("private_key_jwt")]
    public async Task ClientCredentials_WithDpopNonceAndSignOut_LeaksNothing(string method)
    {
        using var witness = new LeakWitness();
        using ECDsa key = WatchedKey(witness, "client assertion key");
        witness.AddSecret("configured client_secret", ClientSecret);
        var (authorizationServer, mcpServer) = await StartMachineServersAsync(method, ["client_credentials"], o => o.RevocationEnabled = true);
        authorizationServer.EnableExtensionGrants(x =>
        {
            x.ClientKeys[ClientId] = key;
            x.DpopNonce = "as-nonce-0123456789";
        });
        witness.Watch(authorizationServer);
        DpopResourceGuard.Install(mcpServer);
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(
            o =>
            {
                MachineClient(o, authorizationServer, method == "private_key_jwt" ? key : null);
                o.UseDpop = true;
            },
            loggerFactory: witness.LoggerFactory,
            tokenStore: store);

        await CallAsync(client, mcpServer, 1, authorizationServer);
        await witness.AddDpopKeysAsync(store);
        SignOutResult signOut = await client.Provider.SignOutAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Select(r => r.StatusCode).Should().Equal(400, 200);
            signOut.Revoked.Should().ContainSingle(string.Join("; ", signOut.RevocationFailures.Values));
            witness.AssertNothingLeaked(atLeastSecrets: 6);
        }
    }

    [Fact]
    public async Task JwtBearer_WorkloadAssertion_LeaksNothing()
    {
        using var witness = new LeakWitness();
        using ECDsa platformKey = WatchedKey(witness, "platform key");
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("none", [JwtBearerGrant]);
        authorizationServer.EnableExtensionGrants(x => x.AssertionIssuerKeys["https://platform.example.com"] = platformKey);
        witness.Watch(authorizationServer);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.Issuer = authorizationServer.Issuer;
                o.AssertionProvider = (context, _) => ValueTask.FromResult(SignedJwt(platformKey, "https://platform.example.com", context.Issuer));
            },
            loggerFactory: witness.LoggerFactory);

        await CallAsync(client, mcpServer, 1, authorizationServer);

        witness.AssertNothingLeaked(atLeastSecrets: 3);
    }

    [Fact]
    public async Task EnterpriseManaged_IdTokenExchangedForAnIdJag_LeaksNothing()
    {
        const string IdToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.SUQtVE9LRU4tU0VDUkVU";
        const string IdpSecret = "idp-SECRET-0123456789";
        using var witness = new LeakWitness();
        using ECDsa idpKey = WatchedKey(witness, "identity provider key");
        await using var identityProvider = await TestAuthorizationServer.StartAsync(o => o.OnlyPreRegistered("idp-client", IdpSecret, "client_secret_basic"));
        identityProvider.EnableExtensionGrants(x =>
        {
            x.IdJagSigningKey = idpKey;
            x.AcceptedIdTokens.Add(IdToken);
        });
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", [JwtBearerGrant]);
        authorizationServer.EnableExtensionGrants(x => x.AssertionIssuerKeys[identityProvider.Issuer] = idpKey);
        witness.Watch(identityProvider);
        witness.Watch(authorizationServer);
        witness.AddSecret("configured client_secret", ClientSecret);
        witness.AddSecret("identity provider client secret", IdpSecret);
        using var client = McpClientHarness.Create(
            o =>
            {
                MachineClient(o, authorizationServer, assertionKey: null);
                o.EnterpriseManaged.TokenEndpoint = identityProvider.TokenEndpoint;
                o.EnterpriseManaged.ClientId = "idp-client";
                o.EnterpriseManaged.ClientSecret = IdpSecret;
                o.EnterpriseManaged.IdTokenProvider = (_, _) => ValueTask.FromResult(IdToken);
            },
            loggerFactory: witness.LoggerFactory);

        await CallAsync(client, mcpServer, 1, identityProvider, authorizationServer);

        using (new AssertionScope())
        {
            identityProvider.TokenRequests.Should().ContainSingle().Which.StatusCode.Should().Be(200);
            witness.AssertNothingLeaked(atLeastSecrets: 6);
        }
    }

    [Fact]
    public async Task CodeExchange_InvalidGrantEchoingCodeVerifierAndSecret_LeaksNothing()
    {
        // LOG-02: a hostile server echoes everything it was sent in error, error_description and error_uri.
        using var witness = new LeakWitness();
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.OnTokenRequest = context => EchoErrorAsync(context, "invalid_grant", 400);
        });
        witness.Watch(authorizationServer);
        using var client = McpClientHarness.Create(loggerFactory: witness.LoggerFactory);

        Exception failure = await witness.FailsAsync(() => client.CallAsync(mcpServer.McpUri, "tools/list"));

        using (new AssertionScope())
        {
            failure.Should().BeOfType<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InvalidGrant);
            witness.AssertNothingLeaked(atLeastSecrets: 5);
        }
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task ClientCredentials_InvalidClientEchoingTheSecret_LeaksNothing(string method)
    {
        using var witness = new LeakWitness();
        witness.AddSecret("configured client_secret", ClientSecret);
        var (authorizationServer, mcpServer) = await StartMachineServersAsync(method, ["client_credentials"], o =>
            o.OnTokenRequest = context => EchoErrorAsync(context, "invalid_client", 401));
        witness.Watch(authorizationServer);
        using var client = McpClientHarness.Create(o => MachineClient(o, authorizationServer, assertionKey: null), loggerFactory: witness.LoggerFactory);

        Exception failure = await witness.FailsAsync(() => client.CallAsync(mcpServer.McpUri, "tools/list"));

        using (new AssertionScope())
        {
            failure.Should().BeOfType<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InvalidClient);
            witness.AssertNothingLeaked(atLeastSecrets: 1);
        }
    }

    private static async Task CallAsync(McpClientHarness client, TestMcpServer mcpServer, int id, params TestAuthorizationServer[] servers)
    {
        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", id);
        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", servers.SelectMany(s => s.ExtensionRejections)));
    }

    /// <summary>A new P-256 private key that <paramref name="witness"/> looks for in everything the flow writes.</summary>
    private static ECDsa WatchedKey(LeakWitness witness, string kind)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        witness.AddPrivateKey(kind, key);
        return key;
    }

    private static void MachineClient(McpOAuthOptions o, TestAuthorizationServer authorizationServer, AsymmetricAlgorithm? assertionKey)
    {
        o.Client.ClientId = ClientId;
        o.Client.Issuer = authorizationServer.Issuer;
        if (assertionKey is null)
        {
            o.Client.ClientSecret = ClientSecret;
        }
        else
        {
            o.Client.ClientAssertionKey = assertionKey;
        }
    }

    /// <summary>Servers whose authorization server knows only <see cref="ClientId"/>, a machine client of
    /// <paramref name="grantTypes"/> that authenticates with <paramref name="method"/>.</summary>
    private Task<ServerPair> StartMachineServersAsync(
        string method,
        IReadOnlyList<string> grantTypes,
        Action<TestAuthorizationServerOptions>? configure = null) =>
        StartServersAsync(o =>
        {
            o.GrantTypesSupported = grantTypes;
            o.OnlyPreRegistered(ClientId, method.StartsWith("client_secret", StringComparison.Ordinal) ? ClientSecret : null, method, grantTypes);
            configure?.Invoke(o);
        });

    /// <summary>Answers a token request with an error whose every member repeats what the client sent.</summary>
    private static async Task<bool> EchoErrorAsync(HttpContext context, string error, int status)
    {
        RecordedRequest request = context.GetRecordedRequest();
        string echo = string.Join(' ', request.Form.Select(f => $"{f.Key}={f.Value}").Append(request.Authorization ?? string.Empty));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["error"] = error,
            ["error_description"] = "rejected: " + echo,
            ["error_uri"] = "https://as.example.com/e?" + echo,
        }.ToJsonString());
        return true;
    }

    private static string SignedJwt(AsymmetricAlgorithm key, string issuer, string audience)
    {
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return TestJwt.Sign(
            new JsonObject { ["iss"] = issuer, ["sub"] = "workload", ["aud"] = audience, ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString("N") },
            key);
    }
}
