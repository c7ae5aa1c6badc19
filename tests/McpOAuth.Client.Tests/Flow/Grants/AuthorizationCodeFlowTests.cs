using System.Net;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions.Execution;
using McpOAuth.Client.Internal;
using McpOAuth.Client.Tests.TestDoubles;
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

        Func<Task> act = () => new AuthorizationCodeFlow(rig.Options, new S256PkceGenerator(), callbacks, rig.Registrations, rig.Tokens, rig.Completion, rig.Time)
            .RunAsync(rig.Request(), CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        callbacks.Requests.Should().BeEmpty();
        rig.Network.Requests.Should().BeEmpty();
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
        new(_rig.Options, new S256PkceGenerator(), callbacks, _rig.Registrations, _rig.Tokens, _rig.Completion, _rig.Time);

    private static FakeCallbackReceiver Callback(string code) => new(_ => Task.FromResult(new CallbackResult { Code = code, Issuer = GrantRig.Issuer }));

    private static TokenSet Stale(ClientRegistration client) => new()
    {
        AccessToken = "AT-STALE",
        Resource = GrantRig.Resource,
        Issuer = GrantRig.Issuer,
        ClientId = client.ClientId,
        Registration = client,
    };

    private static string S256(string verifier) => Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
