using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Microsoft Entra ID (issue 12 item 4; docs/providers.md#microsoft-entra-id).</summary>
public sealed class EntraTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recipe_SignInCallRefreshSignOut(bool multiTenant)
    {
        await using ProviderEmulation entra = await EntraEmulation.StartAsync(multiTenant);

        TokenSet signedIn = await ProviderJourney.RunAsync(entra, new FakeTimeProvider());

        RecordedRequest authorize = entra.AuthorizationServer.AuthorizeRequests.Single();
        RecordedRequest refresh = entra.AuthorizationServer.TokenRequests.Single(r => r.FormValue("grant_type") == "refresh_token");
        using (new AssertionScope())
        {
            authorize.Query.Should().NotContainKey("resource");
            authorize.QueryValue("scope").Should().Be(EntraEmulation.ApiScope + " offline_access");
            authorize.QueryValue("prompt").Should().Be("consent");
            refresh.FormValue("scope").Should().Be(EntraEmulation.ApiScope + " offline_access", "without resource, the scope names the resource on refresh");
            refresh.Form.Should().NotContainKey("resource");
            signedIn.Issuer.Should().Be(entra.AuthorizationServer.Issuer);
        }
    }

    [Fact]
    public async Task NoClientId_ErrorNamesClientIdAndIssuer()
    {
        await using ProviderEmulation entra = await EntraEmulation.StartAsync();
        using McpClientHarness client = ProviderClients.Default(o => o.RequirePkceMetadata = false);

        Func<Task> act = () => client.CallAsync(entra.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        ex.Message.Should().Contain("Client.ClientId").And.Contain("--client-id").And.Contain("--issuer");
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task NoPkceMetadata_ErrorNamesTheOptionAndFlag()
    {
        await using ProviderEmulation entra = await EntraEmulation.StartAsync();
        using McpClientHarness client = entra.Client(o => o.RequirePkceMetadata = true);

        Func<Task> act = () => client.CallAsync(entra.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.PkceUnsupported);
        ex.Message.Should().Contain("RequirePkceMetadata").And.Contain("--allow-missing-pkce-metadata");
        client.Browser.LaunchCount.Should().Be(0);
    }

    [Fact]
    public async Task ResourceParameterSent_InvalidTargetNamesNoResource()
    {
        await using ProviderEmulation entra = await EntraEmulation.StartAsync();
        using McpClientHarness client = entra.Client(o => o.SendResourceParameter = true);

        Func<Task> act = () => client.CallAsync(entra.McpServer.McpUri, "tools/list");

        McpOAuthAuthorizationException ex = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        using (new AssertionScope())
        {
            ex.Error.Should().Be("invalid_target");
            ex.Message.Should().Contain("AADSTS9010010").And.Contain("SendResourceParameter").And.Contain("--no-resource");
            entra.AuthorizationServer.TokenRequests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task MultiTenantWithoutThePlaceholderOption_IssuerMismatchNamingIt()
    {
        // Mix-up protection stays on unless the placeholder is allowed for this one configured issuer.
        await using ProviderEmulation entra = await EntraEmulation.StartAsync(multiTenant: true);
        using McpClientHarness client = entra.Client(o => o.AllowTenantPlaceholderInIssuer = false);

        Func<Task> act = () => client.CallAsync(entra.McpServer.McpUri, "tools/list");

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        ex.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        ex.Message.Should().Contain("AllowTenantPlaceholderInIssuer");
    }

    [Fact]
    public async Task MultiTenantPlaceholderAllowedForAnotherIssuer_StillIssuerMismatch()
    {
        // The relaxation is per issuer: allowed for the configured client's issuer only; an unbound public client gets none.
        await using ProviderEmulation entra = await EntraEmulation.StartAsync(multiTenant: true);
        using McpClientHarness client = entra.Client(o => o.Client.Issuer = "https://login.example/organizations/v2.0");

        Func<Task> act = () => client.CallAsync(entra.McpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerMismatch);
        entra.AuthorizationServer.AuthorizeRequestCount.Should().Be(0);
    }
}
