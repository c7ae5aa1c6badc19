using System.Net;
using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>
/// Issue 9's drifts: every grant ends the same way and authenticates the same way. The device flow once built its token
/// requests without the client's assertion key, issuer or DPoP key, kept the previous client's credential, and had no answer
/// to a forgotten registration; a stored login without its registration was refreshed with another auth method than the
/// registrar chose at sign-in. Each test failed before the fix.
/// </summary>
public sealed class GrantParityTests
{
    private const string ClientId = "device-client";
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    [Fact]
    public async Task SendAsync_DeviceGrantWithPrivateKeyJwt_DeviceRequestAndPollCarryAnAssertion()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var authorizationServer = await StartDeviceServerAsync(o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["private_key_jwt"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, TokenEndpointAuthMethod = "private_key_jwt", GrantTypes = [DeviceGrant] });
        });
        authorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = CreateDeviceClient(authorizationServer, o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", authorizationServer.ExtensionRejections));
        RecordedRequest device = authorizationServer.RequestsTo(authorizationServer.DeviceAuthorizationEndpoint.AbsolutePath).Should().ContainSingle().Subject;
        RecordedRequest poll = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            device.FormValue("client_assertion_type").Should().Be("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "RFC 8628 §3.1 authenticates the client");
            poll.FormValue("grant_type").Should().Be(DeviceGrant);
            poll.FormValue("client_assertion").Should().NotBeNull("RFC 7523 §2.2 on every token request");
            TestJwt.Parse(poll.FormValue("client_assertion")!).ClaimString("aud").Should().Be(authorizationServer.Issuer);
            poll.StatusCode.Should().Be(200);
        }
    }

    [Fact]
    public async Task SendAsync_DeviceGrantWithDpop_PollCarriesAProofAndTheTokenIsBound()
    {
        await using var authorizationServer = await StartDeviceServerAsync();
        authorizationServer.EnableExtensionGrants();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        var guard = DpopResourceGuard.Install(mcpServer);
        using var client = CreateDeviceClient(authorizationServer, o => o.UseDpop = true);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        RecordedRequest poll = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            poll.FormValue("grant_type").Should().Be(DeviceGrant);
            poll.HeaderValue("DPoP").Should().NotBeNull("RFC 9449 §5: the token request carries a proof");
            authorizationServer.GetDpopBinding(authorizationServer.IssuedAccessTokens.Single().Token).Should().NotBeNull();
            mcpServer.McpRequests[^1].Authorization.Should().StartWith("DPoP ");
            guard.Accepted.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task SendAsync_DeviceSignInWithANewClient_RemovesThePreviousClientsCredential()
    {
        await using var authorizationServer = await StartDeviceServerAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        var store = new InMemoryTokenStore();
        var stale = new TokenSet
        {
            AccessToken = "AT-STALE-1",
            ObtainedAt = DateTimeOffset.UnixEpoch,
            ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1),
            Resource = mcpServer.Resource,
            Issuer = authorizationServer.Issuer,
            ClientId = "forgotten-client",
        };
        await store.SetAsync(stale.Key, stale);
        using var client = CreateDeviceClient(authorizationServer, store: store);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        TokenSet kept = (await store.ListAsync()).Should().ContainSingle("the expired credential of the old client is replaced, not left behind").Subject;
        kept.ClientId.Should().NotBe("forgotten-client");
    }

    [Fact]
    public async Task SignInAsync_DeviceGrantWithAForgottenDynamicClient_RegistersAgainOnceAndSignsIn()
    {
        // REF-10 for the device grant: a server that forgot the client answers invalid_client at the device endpoint.
        await using var authorizationServer = await StartDeviceServerAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = CreateDeviceClient(authorizationServer);
        TokenSet first = await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        authorizationServer.RemoveClient(first.ClientId).Should().BeTrue();

        TokenSet second = await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            authorizationServer.RegistrationCount.Should().Be(2);
            second.ClientId.Should().NotBe(first.ClientId);
            authorizationServer.IsAccessTokenValid(second.AccessToken, mcpServer.Resource, out _).Should().BeTrue();
        }
    }

    [Fact]
    public async Task SendAsync_DeviceGrantAtAServerWithoutPkceMetadata_SignsIn()
    {
        // The device grant uses no PKCE, so the PKCE advertisement (AUTH-13) is not asked of it.
        await using var authorizationServer = await StartDeviceServerAsync(o => o.CodeChallengeMethodsSupported = null);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = CreateDeviceClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignOutAsync_PrivateKeyJwtClient_RevocationCarriesAnAssertion()
    {
        // RFC 7009 §2.1: revocation authenticates the client like every token request does.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var authorizationServer = await StartDeviceServerAsync(o =>
        {
            o.RevocationEnabled = true;
            o.TokenEndpointAuthMethodsSupported = ["private_key_jwt"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, TokenEndpointAuthMethod = "private_key_jwt", GrantTypes = [DeviceGrant] });
        });
        authorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = CreateDeviceClient(authorizationServer, o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = authorizationServer.Issuer;
        });
        TokenSet tokens = await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        SignOutResult result = await client.Provider.SignOutAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            result.Revoked.Should().ContainSingle(string.Join("; ", result.RevocationFailures.Values.Concat(result.RevocationUnsupported.Select(k => "unsupported " + k.Resource))));
            authorizationServer.RevocationRequests.Should().NotBeEmpty().And.OnlyContain(r => r.FormValue("client_assertion") != null && r.StatusCode == 200);
            authorizationServer.IsAccessTokenValid(tokens.AccessToken, mcpServer.Resource, out _).Should().BeFalse();
        }
    }

    [Theory]
    [InlineData("client_secret_post")]
    [InlineData("private_key_jwt")]
    public async Task GetAccessTokenAsync_StoredLoginWithoutItsRegistration_RefreshesWithTheMethodOfTheSignIn(string method)
    {
        // The pre-registered client's auth method is chosen in one place: a restart that has only the client id and the
        // options must not fall back to client_secret_basic (or to none for a key), whose invalid_client deletes the login.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string Secret = "preregistered-SECRET-0123456789";
        var time = new FakeTimeProvider();
        await using var authorizationServer = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(10);
            o.RegistrationEnabled = false;
            o.TokenEndpointAuthMethodsSupported = [method];
            o.PreRegisteredClients.Add(new TestClientRegistration
            {
                ClientId = ClientId,
                ClientSecret = method == "private_key_jwt" ? null : Secret,
                TokenEndpointAuthMethod = method,
            });
        });
        authorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.TimeProvider = time);
        void Configure(McpOAuthOptions o)
        {
            o.Client.ClientId = ClientId;
            o.Client.Issuer = authorizationServer.Issuer;
            if (method == "private_key_jwt")
            {
                o.Client.ClientAssertionKey = key;
            }
            else
            {
                o.Client.ClientSecret = Secret;
            }
        }

        var signInStore = new InMemoryTokenStore();
        using (var first = McpClientHarness.Create(Configure, timeProvider: time, tokenStore: signInStore))
        using (HttpResponseMessage signIn = await first.CallAsync(mcpServer.McpUri, "initialize"))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", authorizationServer.ExtensionRejections));
        }

        TokenSet stored = (await signInStore.ListAsync()).Single();
        var restartStore = new InMemoryTokenStore();
        await restartStore.SetAsync(stored.Key, stored with { Registration = null });
        time.Advance(TimeSpan.FromMinutes(11));
        using var restarted = McpClientHarness.Create(Configure, timeProvider: time, tokenStore: restartStore);

        string? token = await restarted.Provider.GetAccessTokenAsync(mcpServer.McpUri);

        RecordedRequest refresh = authorizationServer.TokenRequests.Single(r => r.FormValue("grant_type") == "refresh_token");
        using (new AssertionScope())
        {
            refresh.StatusCode.Should().Be(200, string.Join("; ", authorizationServer.ExtensionRejections));
            token.Should().NotBeNull();
            (await restartStore.ListAsync()).Should().ContainSingle();
        }
    }

    private static Task<TestAuthorizationServer> StartDeviceServerAsync(Action<TestAuthorizationServerOptions>? configure = null) =>
        TestAuthorizationServer.StartAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
            o.GrantTypesSupported = ["authorization_code", "refresh_token", DeviceGrant];
            configure?.Invoke(o);
        });

    /// <summary>A device-flow client whose "user" approves as soon as the code is shown.</summary>
    private static McpClientHarness CreateDeviceClient(
        TestAuthorizationServer authorizationServer,
        Action<McpOAuthOptions>? configure = null,
        ITokenStore? store = null) =>
        McpClientHarness.Create(
            o =>
            {
                o.UseDeviceAuthorization = true;
                o.ShowDeviceCode = (context, _) =>
                {
                    authorizationServer.ApproveDevice(context.UserCode);
                    return ValueTask.CompletedTask;
                };
                configure?.Invoke(o);
            },
            tokenStore: store);
}
