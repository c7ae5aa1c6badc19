using System.Net;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>The library, built as an application builds it (<see cref="McpClientHarness"/>), against the real
/// oidc-provider: a <see cref="TestMcpServer"/> whose PRM names oidc-provider and which accepts only JWTs minted for
/// its own resource (<see cref="OidcJwtValidator"/>), with <see cref="OidcBrowser"/> as the browser hook.</summary>
public sealed partial class OidcProviderLibraryTests
{
    [Fact]
    public async Task Library_discovers_registers_authorizes_and_refreshes_against_oidc_provider()
    {
        // RFC 8414 path off, so the client must fall back to openid-configuration; 2 s tokens, so it must refresh.
        await using var oidc = await OidcProviderServer.StartAsync(new OidcProviderOptions
        {
            AccessTokenTtlSeconds = 2,
            ServeOAuthAuthorizationServerMetadata = false,
        });
        var validator = await oidc.CreateJwtValidatorAsync();
        await using var mcp = await TestMcpServer.StartAsync(null, o =>
        {
            o.AuthorizationServers = [oidc.Issuer];
            o.ScopesSupported = ["mcp:read", "mcp:write"];
            o.TokenValidator = (token, resource) =>
                validator.TryValidate(token, resource) is { Token: { } valid } ? [.. valid.Scopes] : null;
        });
        using var browser = oidc.CreateBrowser();
        using var client = McpClientHarness.Create(o => o.LaunchBrowser = browser.LaunchBrowser);

        using (var first = await client.CallAsync(mcp.McpUri, "initialize"))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK, $"{Describe(browser.Completion)}\n{oidc.Log}");
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        using (var second = await client.CallAsync(mcp.McpUri, "tools/list", 2))
        {
            second.StatusCode.Should().Be(HttpStatusCode.OK, oidc.Log);
        }

        using (new AssertionScope())
        {
            browser.LaunchCount.Should().Be(1);
            (await browser.Completion!).CallbackStatusCode.Should().Be(HttpStatusCode.OK);
            var authorize = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(browser.LaunchedUris[0].Query);
            authorize["resource"].ToString().Should().Be(mcp.Resource);
            authorize["code_challenge_method"].ToString().Should().Be("S256");
            TokenResponses().Matches(oidc.Log).Should().HaveCount(2, "one code exchange and one refresh: " + oidc.Log);
            oidc.Log.Should().Contain("GET /.well-known/oauth-authorization-server -> 404")
                .And.Contain("GET /.well-known/openid-configuration -> 200")
                .And.Contain("POST /reg -> 201")
                .And.NotContain("POST /token -> 400");
        }
    }

    private static string Describe(Task<OidcBrowserNavigation>? navigation) => navigation switch
    {
        null => "the browser was never launched",
        { IsFaulted: true } => $"the browser failed: {navigation.Exception!.GetBaseException().Message}",
        { IsCompletedSuccessfully: true } => $"the browser delivered the callback: {navigation.Result.CallbackStatusCode}",
        _ => "the browser is still navigating",
    };

    [GeneratedRegex(@"^oidc-provider-test: POST /token -> 200$", RegexOptions.Multiline)]
    private static partial Regex TokenResponses();
}
