using System.Net;
using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>
/// Issue 10, item 0 (T10, AUTH-24, RFC 9700 §4.4): a configured credential goes only to the authorization server it is bound
/// to. A hostile MCP server names another authorization server (the "attacker") that would approve at once; the client's
/// secret, assertion key and assertion source never reach it, by any grant, on sign-in, refresh or sign-out. A public client id
/// left unbound completes only with a matching RFC 9207 <c>iss</c>, which stops the mix-up code theft.
/// </summary>
public sealed class CredentialBindingTests
{
    private const string ClientId = "confidential-client";
    private const string Secret = "CONFIGURED-SECRET-0123456789";

    [Theory]
    [InlineData(McpOAuthGrantType.Automatic)]
    [InlineData(McpOAuthGrantType.AuthorizationCode)]
    [InlineData(McpOAuthGrantType.ClientCredentials)]
    public async Task SendAsync_SecretBoundToTheHonestIssuer_NeverReachesTheServerAHostileMcpServerNames(McpOAuthGrantType grant)
    {
        await using var honest = await TestAuthorizationServer.StartAsync();
        await using var attacker = await StartAttackerAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(attacker);
        using var client = McpClientHarness.Create(o =>
        {
            o.GrantType = grant;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = Secret;
            o.Client.Issuer = honest.Issuer;
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        AssertNothingSentTo(attacker);
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task SendAsync_AssertionKeyBoundToTheHonestIssuer_NoAssertionReachesTheAttacker()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var honest = await TestAuthorizationServer.StartAsync();
        await using var attacker = await StartAttackerAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(attacker);
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = honest.Issuer;
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        await act.Should().ThrowAsync<McpOAuthException>();
        AssertNothingSentTo(attacker);
    }

    [Fact]
    public async Task SendAsync_AssertionProviderBoundToTheHonestIssuer_NeverAskedForTheAttacker()
    {
        await using var honest = await TestAuthorizationServer.StartAsync();
        await using var attacker = await StartAttackerAsync(o => o.GrantTypesSupported = ["urn:ietf:params:oauth:grant-type:jwt-bearer"]);
        await using var mcpServer = await TestMcpServer.StartAsync(attacker);
        int asked = 0;
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.Issuer = honest.Issuer;
            o.AssertionProvider = (_, _) =>
            {
                Interlocked.Increment(ref asked);
                return ValueTask.FromResult("WORKLOAD.ASSERTION.SIG");
            };
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        await act.Should().ThrowAsync<McpOAuthException>();
        asked.Should().Be(0, "a workload token is minted for one audience and must not be handed to another");
        attacker.TokenRequests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(IssRedirectMode.Omit)]
    [InlineData(IssRedirectMode.Correct)]
    public async Task SendAsync_UnboundPublicClientIdInAMixUp_NoCodeReachesTheAttackersTokenEndpoint(IssRedirectMode honestIss)
    {
        // RFC 9700 §4.4.1: the attacker's metadata sends the user to the honest authorization endpoint with our client id;
        // the honest server redirects the code back to us. Without iss (or with the honest iss) the response cannot be the
        // attacker's, so the code is never exchanged at the attacker's token endpoint.
        await using var honest = await TestAuthorizationServer.StartAsync(o =>
        {
            o.IssParameterSupported = false;
            o.IssInRedirect = honestIss;
            o.RegistrationEnabled = false;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = "public-client" });
        });
        await using var attacker = await StartAttackerAsync(o =>
        {
            o.IssParameterSupported = false;
            o.MutateMetadata = metadata => metadata["authorization_endpoint"] = honest.AuthorizationEndpoint.AbsoluteUri;
        });
        await using var mcpServer = await TestMcpServer.StartAsync(attacker);
        using var client = McpClientHarness.Create(o => o.Client.ClientId = "public-client");

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
            honest.AuthorizeRequestCount.Should().Be(1, "the user did sign in at the honest server");
            attacker.TokenRequests.Should().BeEmpty("the honest server's code must never reach the attacker");
            if (honestIss == IssRedirectMode.Omit)
            {
                ex.Message.Should().Contain("--issuer", "the error names its fix");
            }
        }
    }

    [Fact]
    public async Task SendAsync_PublicClientIdBoundToItsIssuer_SignsInWithoutIss()
    {
        await using var honest = await TestAuthorizationServer.StartAsync(o =>
        {
            o.IssParameterSupported = false;
            o.IssInRedirect = IssRedirectMode.Omit;
            o.RegistrationEnabled = false;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = "public-client" });
        });
        await using var mcpServer = await TestMcpServer.StartAsync(honest);
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = "public-client";
            o.Client.Issuer = honest.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefreshAndSignOut_StoredTokensOfTheSameClientIdFromAnotherIssuer_SecretNeverSentThere()
    {
        // The store holds tokens minted by the attacker for the same client id (an earlier hostile sign-in, or a planted file):
        // neither refresh nor logout --all may authenticate there with the secret bound to the honest server.
        await using var honest = await TestAuthorizationServer.StartAsync();
        await using var attacker = await StartAttackerAsync(o => o.RevocationEnabled = true);
        await using var mcpServer = await TestMcpServer.StartAsync(attacker);
        var store = new InMemoryTokenStore();
        TokenSet planted = TokenSets.Expired("AT-PLANTED", mcpServer.Resource, attacker.Issuer, ClientId) with { RefreshToken = "RT-PLANTED" };
        await store.SetAsync(planted.Key, planted);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = Secret;
                o.Client.Issuer = honest.Issuer;
                o.AllowInteractive = false;
            },
            tokenStore: store);

        string? token = await client.Provider.GetAccessTokenAsync(mcpServer.McpUri);
        SignOutResult result = await client.Provider.SignOutAsync(serverUri: null);

        using (new AssertionScope())
        {
            token.Should().BeNull();
            AssertNothingSentTo(attacker);
            result.Removed.Should().ContainSingle();
            result.RevocationFailures.Should().ContainSingle().Which.Value.Should().Contain("cannot authenticate");
        }
    }

    /// <summary>An authorization server that approves anything, takes any client, and records what it was sent.</summary>
    private static Task<TestAuthorizationServer> StartAttackerAsync(Action<TestAuthorizationServerOptions>? configure = null) =>
        TestAuthorizationServer.StartAsync(o =>
        {
            o.GrantTypesSupported = ["authorization_code", "client_credentials", "refresh_token"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = Secret, TokenEndpointAuthMethod = "client_secret_basic", GrantTypes = ["authorization_code", "client_credentials", "refresh_token"] });
            configure?.Invoke(o);
        });

    private static void AssertNothingSentTo(TestAuthorizationServer attacker)
    {
        using (new AssertionScope())
        {
            attacker.Requests.Should().NotContain(r => r.Authorization != null, "no Basic credentials");
            attacker.Requests.Should().NotContain(r => r.FormValue("client_secret") != null || r.FormValue("client_assertion") != null);
            attacker.Requests.Should().NotContain(r => r.FormValue("client_id") == ClientId || r.QueryValue("client_id") == ClientId);
            attacker.AuthorizeRequestCount.Should().Be(0);
            attacker.RegistrationCount.Should().Be(0, "a configured client id is not silently replaced by a registration at the attacker");
        }
    }
}
