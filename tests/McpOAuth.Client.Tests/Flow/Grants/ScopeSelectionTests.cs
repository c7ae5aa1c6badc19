using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The scope rules of issue 12 item 1, row by row (AUTH-26, AUTH-27, AUTH-31).</summary>
public sealed class ScopeSelectionTests
{
    private static readonly ClientRegistration Dynamic = Client(ClientRegistrationKind.Dynamic);

    [Fact]
    public void For_ChallengeAndConfiguredScopes_ConfiguredOnesAreAdded()
    {
        // The option's documentation: configured scopes are always requested, added to the challenge's.
        ScopeSelection selection = ScopeSelection.For(["files:read"], Options("mcp:admin", "files:read"), Server(prm: ["mcp:read"]));

        selection.Requested.Should().Equal("files:read", "mcp:admin");
    }

    [Fact]
    public void For_NoChallengeScope_ConfiguredScopesReplaceScopesSupported()
    {
        ScopeSelection selection = ScopeSelection.For(null, Options("mcp:admin"), Server(prm: ["mcp:read"]));

        selection.Requested.Should().Equal("mcp:admin");
    }

    [Fact]
    public void For_NothingConfigured_ScopesSupportedOfTheResource()
    {
        ScopeSelection selection = ScopeSelection.For(null, Options(), Server(prm: ["mcp:read", "mcp:write"]));

        selection.Requested.Should().Equal("mcp:read", "mcp:write");
    }

    [Theory]
    [InlineData(ClientRegistrationKind.Dynamic, true)]
    [InlineData(ClientRegistrationKind.Preregistered, false)]
    [InlineData(ClientRegistrationKind.MetadataDocument, false)]
    public void ParameterFor_OfflineAccessListed_AddedOnlyForAClientWithTheRefreshTokenGrant(ClientRegistrationKind kind, bool added)
    {
        // The MCP TypeScript SDK's rule: offline_access only when the client's grant types include refresh_token, which this
        // library knows only for the client it registered itself.
        ScopeSelection selection = ScopeSelection.For(["mcp:read"], Options(), Server(asScopes: ["offline_access"]));

        IReadOnlyList<string> parameter = selection.ParameterFor(Client(kind));

        parameter.Should().Equal(added ? ["mcp:read", "offline_access"] : ["mcp:read"]);
    }

    [Fact]
    public void ParameterFor_RegistrationResponseDroppedTheRefreshTokenGrant_NoOfflineAccess()
    {
        // RFC 7591 §3.2.1: the server may register fewer grant types than asked for.
        ScopeSelection selection = ScopeSelection.For(["mcp:read"], Options(), Server(asScopes: ["offline_access"]));

        IReadOnlyList<string> parameter = selection.ParameterFor(Dynamic with { GrantTypes = ["authorization_code"] });

        parameter.Should().Equal("mcp:read");
    }

    [Fact]
    public void ParameterFor_ConfiguredOfflineAccessForAPreregisteredClient_KeptOnce()
    {
        ScopeSelection selection = ScopeSelection.For(null, Options("mcp:read", "offline_access"), Server(asScopes: ["offline_access"]));

        selection.ParameterFor(Client(ClientRegistrationKind.Preregistered)).Should().Equal("mcp:read", "offline_access");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void ParameterFor_OfflineAccessNotListedOrTurnedOff_NeverAdded(bool listed, bool requestOfflineAccess)
    {
        var options = Options();
        options.RequestOfflineAccess = requestOfflineAccess;
        ScopeSelection selection = ScopeSelection.For(["mcp:read"], options, Server(asScopes: listed ? ["offline_access"] : ["mcp:read"]));

        selection.ParameterFor(Dynamic).Should().Equal("mcp:read");
    }

    [Fact]
    public void ForRegistration_AdvertisedScopesAndOfflineAccess_SoAStepUpIsNotRefused()
    {
        // RFC 7591 §2 scope in the registration body: what this sign-in asks for and what the resource may ask for later.
        ScopeSelection selection = ScopeSelection.For(["mcp:read"], Options(), Server(prm: ["mcp:read", "mcp:write"], asScopes: ["offline_access"]));

        selection.ForRegistration().Should().Equal("mcp:read", "mcp:write", "offline_access");
    }

    [Fact]
    public void ForRegistration_NoScopeAnywhere_Empty()
    {
        ScopeSelection selection = ScopeSelection.For(null, Options(), Server(asScopes: ["offline_access"]));

        selection.ForRegistration().Should().BeEmpty();
    }

    private static McpOAuthOptions Options(params string[] scopes)
    {
        var options = new McpOAuthOptions();
        foreach (string scope in scopes)
        {
            options.Scopes.Add(scope);
        }

        return options;
    }

    private static ResolvedServer Server(IReadOnlyList<string>? prm = null, IReadOnlyList<string>? asScopes = null) => new(
        "https://mcp.example.com/mcp",
        new Uri("https://mcp.example.com/mcp"),
        "https://auth.example.com",
        new AuthorizationServerDocument { Issuer = "https://auth.example.com", ScopesSupported = asScopes },
        new ProtectedResourceDocument { Resource = "https://mcp.example.com/mcp", ScopesSupported = prm },
        DefaultEndpoints: false,
        AllowHttp: false,
        Endpoint: "https://mcp.example.com/mcp");

    private static ClientRegistration Client(ClientRegistrationKind kind) => new()
    {
        ClientId = "client",
        TokenEndpointAuthMethod = "none",
        Issuer = "https://auth.example.com",
        Kind = kind,
    };
}
