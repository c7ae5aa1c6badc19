using System.Net;
using System.Security.Cryptography;
using System.Text;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The code flow alone, over an in-memory network and a fake callback (AUTH-32..AUTH-38, RFC 7636).</summary>
public sealed class AuthorizationCodeFlowTests : IDisposable
{
    private readonly GrantRig _rig;
    private readonly List<Uri> _launched = [];

    public AuthorizationCodeFlowTests()
    {
        _rig = new GrantRig(o => o.LaunchBrowser = (context, _) =>
        {
            _launched.Add(context.AuthorizationUri);
            return ValueTask.CompletedTask;
        });
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RunAsync_Approved_ExchangesTheCodeWithItsVerifierAndStoresTheTokens()
    {
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        TokenSet tokens = await Flow(Callback("CODE-1")).RunAsync(_rig.Request(["mcp:read"]), CancellationToken.None);

        Dictionary<string, StringValues> authorize = TestServers.FormEncoding.Parse(_launched.Single().Query);
        IReadOnlyDictionary<string, IReadOnlyList<string>> form = _rig.TokenRequests.Single().Form;
        using (new AssertionScope())
        {
            form["grant_type"].Should().Equal("authorization_code");
            form["code"].Should().Equal("CODE-1");
            form["redirect_uri"].Should().Equal(authorize["redirect_uri"].ToString());
            form["resource"].Should().Equal([GrantRig.Resource], "AUTH-34");
            form["client_id"].Should().Equal("dyn-client");
            S256(form["code_verifier"].Single()).Should().Be(authorize["code_challenge"].ToString(), "RFC 7636 §4.6");
            authorize["scope"].ToString().Should().Be("mcp:read");
            tokens.Registration!.ClientId.Should().Be("dyn-client");
            (await _rig.Store.GetAsync(tokens.Key)).Should().BeSameAs(tokens);
            _rig.Session.Tokens.Should().BeSameAs(tokens);
            _rig.Session.RequestedScopes.Should().Equal("mcp:read");
        }
    }

    [Fact]
    public async Task RunAsync_PkceNotAdvertised_RefusedBeforeAnyListenerOrRequest()
    {
        // AUTH-13, DISC-06
        using var rig = new GrantRig(server: s => s with { CodeChallengeMethodsSupported = null });
        var callbacks = Callback("CODE-1");

        Func<Task> act = () => new AuthorizationCodeFlow(rig.Options, new S256PkceGenerator(), callbacks, rig.Registrations, rig.Tokens, rig.Completion, rig.Time, rig.Logger)
            .RunAsync(rig.Request(), CancellationToken.None);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        ex.Message.Should().Contain("RequirePkceMetadata").And.Contain("--allow-missing-pkce-metadata", "issue 12 item 5: the error names its fix");
        callbacks.Requests.Should().BeEmpty();
        rig.Network.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_ResponseTypesLackCode_RefusedBeforeAnyListener()
    {
        // RFC 8414 §2 (issue 12 item 1): response_types_supported, when present, must contain code
        using var rig = new GrantRig(server: s => s with { ResponseTypesSupported = ["token"] });
        var callbacks = Callback("CODE-1");

        Func<Task> act = () => new AuthorizationCodeFlow(rig.Options, new S256PkceGenerator(), callbacks, rig.Registrations, rig.Tokens, rig.Completion, rig.Time, rig.Logger)
            .RunAsync(rig.Request(), CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.GrantNotSupported);
        callbacks.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_AuthorizationServerRejectsTheResourceParameter_ErrorNamesNoResource()
    {
        // Issue 12 item 5: Entra v2 redirects with invalid_target (AADSTS9010010) when resource and scope come together
        _rig.RegistersPublicClient();
        var rejected = new FakeCallbackReceiver(_ => Task.FromException<CallbackResult>(
            new McpOAuthAuthorizationException(McpOAuthErrorCode.AuthorizationDenied, "The authorization server returned 'invalid_target'.")
            {
                Error = "invalid_target",
                ErrorDescription = "AADSTS9010010: The resource parameter provided in the request doesn't match with the requested scopes.",
            }));

        Func<Task> act = () => Flow(rejected).RunAsync(_rig.Request(["api://app/mcp"]), CancellationToken.None);

        McpOAuthAuthorizationException ex = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        using (new AssertionScope())
        {
            ex.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
            ex.Error.Should().Be("invalid_target");
            ex.Message.Should().Contain("SendResourceParameter").And.Contain("--no-resource");
            _rig.TokenRequests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task RunAsync_ReusedDynamicClientForgottenByTheServer_StaleRegistrationAndTheClientIsDropped()
    {
        // REF-10: the known client is reused on its registered port; invalid_client marks it stale for one fresh registration
        var known = new ClientRegistration
        {
            ClientId = "forgotten",
            TokenEndpointAuthMethod = "none",
            Issuer = GrantRig.Issuer,
            RedirectUris = ["http://127.0.0.1:50001/callback"],
            Kind = ClientRegistrationKind.Dynamic,
        };
        _rig.Session.Complete(Stale(known), dpop: null, new AuthorizationContext(GrantRig.Issuer, _rig.Server.Server, known, GrantRig.Resource), [], null);
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json("{\"error\":\"invalid_client\"}", HttpStatusCode.Unauthorized));

        Func<Task> act = () => Flow(Callback("CODE-1")).RunAsync(_rig.Request(), CancellationToken.None);

        await act.Should().ThrowAsync<StaleRegistrationException>();
        using (new AssertionScope())
        {
            _rig.Network.Requests.Should().NotContain(r => r.Uri.AbsoluteUri == GrantRig.RegisterUrl, "the known client was reused");
            _rig.TokenRequests.Single().Form["client_id"].Should().Equal("forgotten");
            _rig.Session.Context.Should().BeNull();
        }
    }

    [Fact]
    public async Task RunAsync_StoredDynamicClientTheServerForgot_FoundBeforeTheBrowserRegisteredAgainAndTheDeadLoginRemoved()
    {
        // REF-10, issue 12 item 1: a server with an in-memory client table restarted. The client read back from the store is
        // asked about at the token endpoint first; invalid_client means a new registration before the user sees a browser, and
        // the tokens issued to the dead client go, so a sign-in that fails from here on leaves nothing that looks valid.
        ClientRegistration known = Known("forgotten");
        TokenSet stale = Stale(known);
        await _rig.Store.SetAsync(stale.Key, stale);
        _rig.Session.Adopt(stale, _rig.Time, withScopes: true).Should().BeTrue();
        _rig.RegistersPublicClient("fresh");
        _rig.Network.OnPost(
            GrantRig.TokenUrl,
            FakeResponse.Json("{\"error\":\"invalid_client\",\"error_description\":\"Invalid client_id\"}", HttpStatusCode.BadRequest),
            FakeResponse.Json(GrantRig.TokenJson()));

        TokenSet tokens = await Flow(Callback("CODE-1")).RunAsync(_rig.Request(), CancellationToken.None);

        using (new AssertionScope())
        {
            tokens.ClientId.Should().Be("fresh");
            TestServers.FormEncoding.Parse(_launched.Should().ContainSingle().Which.Query)["client_id"].ToString()
                .Should().Be("fresh", "the browser only ever saw the new client");
            _rig.TokenRequests[0].Form["client_id"].Should().Equal("forgotten");
            _rig.TokenRequests[0].Form["code"].Single().Should().StartWith("never-issued-");
            _rig.TokenRequests[1].Form["code"].Should().Equal("CODE-1");
            (await _rig.Store.GetAsync(stale.Key)).Should().BeNull();
            _rig.Logger.AllText.Should().Contain("no longer knows the client forgotten");
        }
    }

    [Fact]
    public async Task RunAsync_StoredDynamicClientStillKnown_ReusedWithoutRegistering()
    {
        // invalid_grant to the probe: the server knows the client and only refused the never-issued code.
        ClientRegistration known = Known("still-known");
        _rig.Session.Adopt(Stale(known), _rig.Time, withScopes: true).Should().BeTrue();
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json("{\"error\":\"invalid_grant\"}", HttpStatusCode.BadRequest), FakeResponse.Json(GrantRig.TokenJson()));

        TokenSet tokens = await Flow(Callback("CODE-1")).RunAsync(_rig.Request(), CancellationToken.None);

        tokens.ClientId.Should().Be("still-known");
        _rig.Network.Requests.Should().NotContain(r => r.Uri.AbsoluteUri == GrantRig.RegisterUrl);
    }

    [Fact]
    public async Task RunAsync_ClientUsedEarlierInThisProcess_NotProbed()
    {
        // A client this process already used with the server is known to it: no extra request on a step-up.
        ClientRegistration known = Known("in-use");
        _rig.Session.Complete(Stale(known), dpop: null, new AuthorizationContext(GrantRig.Issuer, _rig.Server.Server, known, GrantRig.Resource), [], null);
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        await Flow(Callback("CODE-1")).RunAsync(_rig.Request(), CancellationToken.None);

        _rig.TokenRequests.Should().ContainSingle().Which.Form["code"].Should().Equal("CODE-1");
    }

    [Fact]
    public async Task RunAsync_SecondAttemptAfterAStaleClient_RegistersAndSucceeds()
    {
        _rig.RegistersPublicClient("fresh");
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson()));

        TokenSet tokens = await Flow(Callback("CODE-2")).RunAsync(_rig.Request(reuseKnownClient: false), CancellationToken.None);

        tokens.ClientId.Should().Be("fresh");
    }

    [Fact]
    public async Task RunAsync_ServerDemandsDpop_ExchangeCarriesAProofAndTheTokenIsBoundToItsKey()
    {
        // RFC 9449 §5, §7.1
        _rig.RegistersPublicClient();
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson(tokenType: "DPoP")));

        TokenSet tokens = await Flow(Callback("CODE-1")).RunAsync(_rig.Request(demandsDpop: true), CancellationToken.None);

        using (new AssertionScope())
        {
            TestJwt.Parse(_rig.TokenRequests.Single().Header("DPoP")!).ClaimString("htu").Should().Be(GrantRig.TokenUrl);
            tokens.TokenType.Should().Be("DPoP");
            _rig.Session.Current!.Dpop!.Key.Should().Be(tokens.DpopKey);
        }
    }

    [Fact]
    public async Task RunAsync_CallbackFails_NoTokenRequestAndNothingStored()
    {
        _rig.RegistersPublicClient();
        var denied = new FakeCallbackReceiver(_ => Task.FromException<CallbackResult>(
            new McpOAuthAuthorizationException(McpOAuthErrorCode.AuthorizationDenied, "denied")));

        Func<Task> act = () => Flow(denied).RunAsync(_rig.Request(), CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
        _rig.TokenRequests.Should().BeEmpty();
        (await _rig.Store.ListAsync()).Should().BeEmpty();
    }

    private AuthorizationCodeFlow Flow(FakeCallbackReceiver callbacks) =>
        new(_rig.Options, new S256PkceGenerator(), callbacks, _rig.Registrations, _rig.Tokens, _rig.Completion, _rig.Time, _rig.Logger);

    private static FakeCallbackReceiver Callback(string code) => new(_ => Task.FromResult(new CallbackResult { Code = code, Issuer = GrantRig.Issuer }));

    private static ClientRegistration Known(string clientId) => new()
    {
        ClientId = clientId,
        TokenEndpointAuthMethod = "none",
        Issuer = GrantRig.Issuer,
        RedirectUris = ["http://127.0.0.1:50001/callback"],
        Kind = ClientRegistrationKind.Dynamic,
    };

    private static TokenSet Stale(ClientRegistration client) =>
        TokenSets.Bearer("AT-STALE") with { ClientId = client.ClientId, Registration = client };

    private static string S256(string verifier) => Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
