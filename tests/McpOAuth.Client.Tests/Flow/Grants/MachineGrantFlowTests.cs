using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The grants without a user alone: what each sends, and that the session can obtain tokens again without one.</summary>
public sealed class MachineGrantFlowTests : IDisposable
{
    private const string Secret = "machine-SECRET-0123456789";
    private const string IdpTokenUrl = "https://idp.example.com/token";

    private readonly GrantRig _rig = new(o =>
    {
        o.Client.ClientId = "machine";
        o.Client.ClientSecret = Secret;
        o.Client.Issuer = GrantRig.Issuer;
    });

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RunAsync_ClientCredentials_OneRequestAndTheSessionCanReacquire()
    {
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson("AT-1", refreshToken: null)), FakeResponse.Json(GrantRig.TokenJson("AT-2", refreshToken: null)));

        TokenSet first = await Flow().RunAsync(_rig.Request(["mcp:tools"]), McpOAuthGrantType.ClientCredentials, CancellationToken.None);
        TokenSet second = await _rig.Session.Reacquire!(CancellationToken.None);

        using (new AssertionScope())
        {
            _rig.TokenRequests.Should().HaveCount(2).And.OnlyContain(r => r.Form["grant_type"].Single() == "client_credentials");
            _rig.TokenRequests[0].Form["scope"].Should().Equal("mcp:tools");
            _rig.TokenRequests[0].Authorization!.Scheme.Should().Be("Basic");
            first.AccessToken.Should().Be("AT-1");
            second.AccessToken.Should().Be("AT-2");
            _rig.Session.Tokens.Should().BeSameAs(second);
            (await _rig.Store.ListAsync()).Should().ContainSingle().Which.AccessToken.Should().Be("AT-2");
        }
    }

    [Fact]
    public async Task RunAsync_JwtBearer_TheAssertionSourceIsToldTheIssuerResourceAndEndpoint()
    {
        AssertionContext? told = null;
        _rig.Options.AssertionProvider = (context, _) =>
        {
            told = context;
            return ValueTask.FromResult("WORKLOAD.JWT.SIG");
        };
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson(refreshToken: null)));

        await Flow().RunAsync(_rig.Request(), McpOAuthGrantType.JwtBearer, CancellationToken.None);

        using (new AssertionScope())
        {
            told!.Issuer.Should().Be(GrantRig.Issuer);
            told.Resource.Should().Be(GrantRig.Resource);
            told.TokenEndpoint.AbsoluteUri.Should().Be(GrantRig.TokenUrl);
            RecordedHttpRequest request = _rig.TokenRequests.Single();
            request.Form["grant_type"].Should().Equal("urn:ietf:params:oauth:grant-type:jwt-bearer");
            request.Form["assertion"].Should().Equal("WORKLOAD.JWT.SIG");
        }
    }

    [Fact]
    public async Task RunAsync_EnterpriseManaged_ExchangesTheIdTokenThenPresentsTheIdJag()
    {
        // SEP-990: audience = the MCP authorization server's issuer, resource = the MCP server
        _rig.Options.EnterpriseManaged.TokenEndpoint = new Uri(IdpTokenUrl);
        _rig.Options.EnterpriseManaged.ClientId = "idp-client";
        _rig.Options.EnterpriseManaged.IdTokenProvider = (_, _) => ValueTask.FromResult("ID.TOKEN.SIG");
        _rig.Network.OnPost(IdpTokenUrl, FakeResponse.Json("{\"access_token\":\"ID.JAG.SIG\",\"token_type\":\"N_A\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\"}"));
        _rig.Network.OnPost(GrantRig.TokenUrl, FakeResponse.Json(GrantRig.TokenJson(refreshToken: null)));

        await Flow().RunAsync(_rig.Request(), McpOAuthGrantType.EnterpriseManaged, CancellationToken.None);

        RecordedHttpRequest exchange = _rig.Network.Requests.Single(r => r.Uri.AbsoluteUri == IdpTokenUrl);
        using (new AssertionScope())
        {
            exchange.Form["subject_token"].Should().Equal("ID.TOKEN.SIG");
            exchange.Form["audience"].Should().Equal(GrantRig.Issuer);
            exchange.Form["resource"].Should().Equal([GrantRig.Resource]);
            _rig.TokenRequests.Single().Form["assertion"].Should().Equal("ID.JAG.SIG");
        }
    }

    [Fact]
    public async Task RunAsync_NoClientId_ClientRegistrationRequiredWithoutARequest()
    {
        _rig.Options.Client.ClientId = null;
        _rig.Options.Client.ClientSecret = null;

        Func<Task> act = () => Flow().RunAsync(_rig.Request(), McpOAuthGrantType.ClientCredentials, CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        _rig.Network.Requests.Should().BeEmpty();
    }

    private MachineGrantFlow Flow() => new(_rig.Options, _rig.Registrations, _rig.Tokens, _rig.Completion, _rig.Time, _rig.Logger);
}
