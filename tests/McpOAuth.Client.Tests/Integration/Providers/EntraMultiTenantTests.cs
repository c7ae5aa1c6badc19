using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Microsoft Entra ID, multi-tenant: <c>/organizations/v2.0</c> with the <c>{tenantid}</c> placeholder issuer
/// (issue 12 item 4; docs/providers.md#microsoft-entra-id).</summary>
public sealed class EntraMultiTenantTests : ProviderRecipeTests
{
    [Fact]
    public async Task MultiTenantWithoutThePlaceholderOption_IssuerMismatchNamingIt()
    {
        // Mix-up protection stays on unless the placeholder is allowed for this one configured issuer.
        await using ProviderEmulation entra = await StartAsync();
        using McpClientHarness client = entra.Client(o => o.AllowTenantPlaceholderInIssuer = false);

        McpOAuthException ex = await client.CallFailsAsync<McpOAuthException>(entra);

        ex.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        ex.Message.Should().Contain("AllowTenantPlaceholderInIssuer");
    }

    [Fact]
    public async Task MultiTenantPlaceholderAllowedForAnotherIssuer_StillIssuerMismatch()
    {
        // The relaxation is per issuer: allowed for the configured client's issuer only; an unbound public client gets none.
        await using ProviderEmulation entra = await StartAsync();
        using McpClientHarness client = entra.Client(o => o.Client.Issuer = "https://login.example/organizations/v2.0");

        (await client.CallFailsAsync<McpOAuthException>(entra)).Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        entra.AuthorizationServer.AuthorizeRequestCount.Should().Be(0);
    }

    private protected override Task<ProviderEmulation> StartAsync() => EntraEmulation.StartAsync(multiTenant: true);

    private protected override void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn) => EntraTests.AssertEntraRecipe(provider, signedIn);
}
