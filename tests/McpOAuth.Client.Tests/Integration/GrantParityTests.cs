using System.Net;
using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>
/// Issue 9's drifts: every grant ends the same way and authenticates the same way. The device flow once built its token
/// requests without the client's assertion key, issuer or DPoP key, kept the previous client's credential, and had no answer
/// to a forgotten registration; a stored login without its registration was refreshed with another auth method than the
/// registrar chose at sign-in. Each test failed before the fix.
/// </summary>
public sealed class GrantParityTests : ServerPairTest
{
    private const string ClientId = "device-client";
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    [Fact]
    public async Task SendAsync_DeviceGrantWithPrivateKeyJwt_DeviceRequestAndPollCarryAnAssertion()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (authorizationServer, mcpServer) = await StartKeyClientServersAsync(key);
        using var client = CreateKeyClient(authorizationServer, key);

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
        var (authorizationServer, mcpServer) = await StartDeviceServersAsync();
        authorizationServer.EnableExtensionGrants();
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
        var (authorizationServer, mcpServer) = await StartDeviceServersAsync();
        var store = new InMemoryTokenStore();
        TokenSet stale = TokenSets.Expired("AT-STALE-1", mcpServer.Resource, authorizationServer.Issuer, "forgotten-client");
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
        var (authorizationServer, mcpServer) = await StartDeviceServersAsync();
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
        var (authorizationServer, mcpServer) = await StartDeviceServersAsync(o => o.CodeChallengeMethodsSupported = null);
        using var client = CreateDeviceClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignOutAsync_PrivateKeyJwtClient_RevocationCarriesAnAssertion()
    {
        // RFC 7009 §2.1: revocation authenticates the client like every token request does.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (authorizationServer, mcpServer) = await StartKeyClientServersAsync(key, o => o.RevocationEnabled = true);
        using var client = CreateKeyClient(authorizationServer, key);
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
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(10);
            o.OnlyPreRegistered(ClientId, method == "private_key_jwt" ? null : Secret, method);
        }, o => o.TimeProvider = time);
        authorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        void Configure(McpOAuthOptions o) => o.Client.UsePreRegistered(ClientId, authorizationServer.Issuer, method, Secret, key);

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

    private Task<ServerPair> StartDeviceServersAsync(Action<TestAuthorizationServerOptions>? configure = null) =>
        StartServersAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
            o.GrantTypesSupported = ["authorization_code", "refresh_token", DeviceGrant];
            configure?.Invoke(o);
        });

    /// <summary>A device-flow client whose "user" approves as soon as the code is shown.</summary>
    /// <summary>Device servers that authenticate clients only with <c>private_key_jwt</c> and know <see cref="ClientId"/>'s
    /// public key (dynamic registration stays on).</summary>
    private async Task<ServerPair> StartKeyClientServersAsync(AsymmetricAlgorithm key, Action<TestAuthorizationServerOptions>? configure = null)
    {
        ServerPair servers = await StartDeviceServersAsync(o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["private_key_jwt"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, TokenEndpointAuthMethod = "private_key_jwt", GrantTypes = [DeviceGrant] });
            configure?.Invoke(o);
        });
        servers.AuthorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = key);
        return servers;
    }

    /// <summary>A device client that is <see cref="ClientId"/> at <paramref name="authorizationServer"/>, signing its
    /// assertions with <paramref name="key"/>.</summary>
    private static McpClientHarness CreateKeyClient(TestAuthorizationServer authorizationServer, AsymmetricAlgorithm key) =>
        CreateDeviceClient(authorizationServer, o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = authorizationServer.Issuer;
        });

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
