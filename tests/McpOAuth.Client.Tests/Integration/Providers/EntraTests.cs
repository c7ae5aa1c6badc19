using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Microsoft Entra ID, single tenant (issue 12 item 4; docs/providers.md#microsoft-entra-id).</summary>
public sealed class EntraTests : ProviderRecipeTests
{
    [Fact]
    public async Task NoPkceMetadata_ErrorNamesTheOptionAndFlag()
    {
        await using ProviderEmulation entra = await StartAsync();
        using McpClientHarness client = entra.Client(o => o.RequirePkceMetadata = true);

        McpOAuthException ex = await client.CallFailsAsync<McpOAuthException>(entra);

        ex.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        ex.Message.Should().Contain("RequirePkceMetadata").And.Contain("--allow-missing-pkce-metadata");
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task ResourceParameterSent_InvalidTargetNamesNoResource()
    {
        await using ProviderEmulation entra = await StartAsync();
        using McpClientHarness client = entra.Client(o => o.SendResourceParameter = true);

        McpOAuthAuthorizationException ex = await client.CallFailsAsync<McpOAuthAuthorizationException>(entra);

        using (new AssertionScope())
        {
            ex.Error.Should().Be("invalid_target");
            ex.Message.Should().Contain("AADSTS9010010").And.Contain("SendResourceParameter").And.Contain("--no-resource");
            entra.AuthorizationServer.TokenRequests.Should().BeEmpty();
        }
    }

    /// <summary>The resource named by the scope alone, on the authorization request and on refresh.</summary>
    internal static void AssertEntraRecipe(ProviderEmulation entra, TokenSet signedIn)
    {
        RecordedRequest authorize = entra.AuthorizationServer.AuthorizeRequests.Single();
        RecordedRequest refresh = entra.AuthorizationServer.TokenRequests.Single(r => r.FormValue("grant_type") == "refresh_token");
        authorize.Query.Should().NotContainKey("resource");
        authorize.QueryValue("scope").Should().Be(EntraEmulation.ApiScope + " offline_access");
        authorize.QueryValue("prompt").Should().Be("consent");
        refresh.FormValue("scope").Should().Be(EntraEmulation.ApiScope + " offline_access", "without resource, the scope names the resource on refresh");
        refresh.Form.Should().NotContainKey("resource");
        signedIn.Issuer.Should().Be(entra.AuthorizationServer.Issuer);
    }

    private protected override Task<ProviderEmulation> StartAsync() => EntraEmulation.StartAsync();

    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn) => AssertEntraRecipe(provider, signedIn);
}
