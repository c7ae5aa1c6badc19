using System.Net;
using System.Security.Cryptography;
using FluentAssertions.Execution;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, item 3: confidential clients are first-class in the web flow. A pre-registered client with a secret, or
/// with <c>private_key_jwt</c>, bound to its issuer, signs users in through the application's callback; its credential is sent
/// to the token endpoint only, and never kept with a pending sign-in (AUTH-24).</summary>
public sealed class ConfidentialClientTests
{
    private const string ClientId = "web-app";
    private const string ClientSecret = "CLIENT-SECRET-1";

    [Fact]
    public async Task WebSignIn_ClientSecretBasic_AuthenticatesAtTheTokenEndpointAndKeepsNoSecretPending()
    {
        await using var servers = await WebAppServers.StartAsync(configure: o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.PreRegisteredClients.Add(Client("client_secret_basic", ClientSecret));
        });
        var pending = new RecordingPendingStore();
        await using var app = await TestWebApp.StartAsync(servers.McpServer, s =>
        {
            s.Pending = pending;
            s.OAuth = o => (o.Client.ClientId, o.Client.ClientSecret, o.Client.Issuer) = (ClientId, ClientSecret, servers.AuthorizationServer.Issuer);
        });

        HttpStatusCode tools = await SignInAndListAsync(app);

        RecordedRequest token = servers.AuthorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            tools.Should().Be(HttpStatusCode.OK);
            token.StatusCode.Should().Be(200);
            token.Authorization.Should().StartWith("Basic ");
            token.FormValue("client_secret").Should().BeNull();
            servers.AuthorizationServer.RegistrationCount.Should().Be(0);
            pending.Saved.Should().ContainSingle().Which.Client.ClientSecret.Should().BeNull("a configured secret stays in the options");
        }
    }

    [Fact]
    public async Task WebSignIn_PrivateKeyJwt_SendsAClientAssertionForThisIssuer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        await using var servers = await WebAppServers.StartAsync(configure: o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["private_key_jwt"];
            o.PreRegisteredClients.Add(Client("private_key_jwt", secret: null));
        });
        servers.AuthorizationServer.EnableExtensionGrants(x => x.ClientKeys[ClientId] = publicKey);
        await using var app = await TestWebApp.StartAsync(servers.McpServer, s => s.OAuth = o =>
        {
            (o.Client.ClientId, o.Client.ClientAssertionKey, o.Client.Issuer) = (ClientId, key, servers.AuthorizationServer.Issuer);
            o.GrantType = McpOAuthGrantType.AuthorizationCode;
        });

        HttpStatusCode tools = await SignInAndListAsync(app);

        RecordedRequest token = servers.AuthorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            tools.Should().Be(HttpStatusCode.OK, string.Join("; ", servers.AuthorizationServer.ExtensionRejections));
            token.FormValue("grant_type").Should().Be("authorization_code");
            token.FormValue("client_assertion_type").Should().Be("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            TestJwt.TryParse(token.FormValue("client_assertion"))!.ClaimString("aud").Should().Be(servers.AuthorizationServer.Issuer);
            token.Authorization.Should().BeNull();
        }
    }

    private static TestClientRegistration Client(string method, string? secret) => new()
    {
        ClientId = ClientId,
        ClientSecret = secret,
        TokenEndpointAuthMethod = method,
        RedirectUris = [TestWebApp.PublicOrigin.AbsoluteUri + "oauth/callback"],
    };

    private static async Task<HttpStatusCode> SignInAndListAsync(TestWebApp app)
    {
        using var browser = new TestBrowser();
        await WebAppSignInTests.SignInAsync(browser, app, "alice");
        using HttpResponseMessage tools = await browser.GetAsync(app, "/tools", "alice");
        return tools.StatusCode;
    }

    /// <summary>The in-memory store, recording what each sign-in kept.</summary>
    private sealed class RecordingPendingStore : IPendingAuthorizationStore
    {
        private readonly InMemoryPendingAuthorizationStore _inner = new();

        public List<PendingAuthorization> Saved { get; } = [];

        public ValueTask SaveAsync(string state, PendingAuthorization pending, TimeSpan lifetime, CancellationToken cancellationToken = default)
        {
            lock (Saved)
            {
                Saved.Add(pending);
            }

            return _inner.SaveAsync(state, pending, lifetime, cancellationToken);
        }

        public ValueTask<PendingAuthorization?> TakeAsync(string state, CancellationToken cancellationToken = default) =>
            _inner.TakeAsync(state, cancellationToken);
    }
}
