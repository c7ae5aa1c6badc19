using System.Text.RegularExpressions;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.4, the authorization request and the browser launch (T1, T5, T6).</summary>
public sealed partial class AuthorizationCatalogueTests : ServerPairTest
{
    [Fact]
    public void NewState_ThousandFlows_AllUniqueAndEach256RandomBits()
    {
        // AUTHZ-05 (state; the verifiers are S256PkceGeneratorTests.Generate_ThousandPairs_*): unique per flow, base64url.
        string[] states = [.. Enumerable.Range(0, 1000).Select(_ => AuthorizationRequest.NewState())];

        using (new AssertionScope())
        {
            states.Should().OnlyHaveUniqueItems();
            states.Should().OnlyContain(s => Base64Url().IsMatch(s), "43 base64url characters carry 256 bits");
            string.Concat(states).Distinct().Should().HaveCount(64, "every symbol appears over 43,000 random characters");
        }
    }

    [Fact]
    public async Task SendAsync_TwoSignIns_StateAndVerifierFreshEachTimeAndTheChallengeIsTheVerifiersS256()
    {
        // AUTHZ-05 on the wire: two real sign-ins never reuse a state or a verifier.
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = McpClientHarness.Create();

        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        RecordedRequest[] authorize = [.. authorizationServer.AuthorizeRequests];
        string[] verifiers = [.. authorizationServer.TokenRequests.Select(r => r.FormValue("code_verifier")!)];
        using (new AssertionScope())
        {
            authorize.Select(r => r.QueryValue("state")).Should().HaveCount(2).And.OnlyHaveUniqueItems();
            verifiers.Should().HaveCount(2).And.OnlyHaveUniqueItems().And.OnlyContain(v => Verifier().IsMatch(v));
            verifiers.Select(TestCrypto.S256).Should().Equal(authorize.Select(r => r.QueryValue("code_challenge")));
        }
    }

    [Theory]
    [InlineData("/authorize\u001b[2J")]
    [InlineData("/authorize\r\nX-Injected: 1")]
    [InlineData("/author\u202eize")]
    public async Task SendAsync_AuthorizationEndpointWithControlCharacters_RefusedBeforeTheBrowser(string path)
    {
        // AUTHZ-06: metadata carrying terminal or line control characters never becomes a URL to open or print.
        var (authorizationServer, mcpServer) = await StartServersAsync();
        authorizationServer.Options.MutateMetadata = m => m["authorization_endpoint"] = authorizationServer.BaseUri.GetLeftPart(UriPartial.Authority) + path;
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthException refused = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            refused.Code.Should().Be(McpOAuthErrorCode.InsecureEndpoint);
            HasControl(refused.Message).Should().BeFalse();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_BrowserCannotStartAndServerTextCarriesEscapes_TheUrlToPrintAndTheErrorAreClean()
    {
        // AUTHZ-06: the launch fails, so the application prints the URL for manual copy; scopes and a registered client id with
        // ANSI escapes and line breaks arrive percent-encoded in it, and the typed error carries no control character.
        Uri? handedOver = null;
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
            o.MutateRegistrationResponse = r => r["client_id"] = "dyn\u001b]0;owned\u0007\r\nclient", o =>
        {
            o.ScopesSupported = ["mcp:read\u001b[31m", "mcp\r\nwrite"];
            o.ChallengeIncludesScope = false;
        });
        using var client = McpClientHarness.Create(o => o.LaunchBrowser = (context, _) =>
        {
            handedOver = context.AuthorizationUri;
            throw new McpOAuthAuthorizationException(McpOAuthErrorCode.BrowserLaunchFailed, "The browser could not be started (xdg-open).");
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthException failed = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            failed.Code.Should().Be(McpOAuthErrorCode.BrowserLaunchFailed);
            HasControl(failed.Message).Should().BeFalse();
            handedOver.Should().NotBeNull("the registered client id is accepted, so the URL is built and handed over");
            HasControl(handedOver!.OriginalString).Should().BeFalse();
            HasControl(handedOver.AbsoluteUri).Should().BeFalse();
            handedOver.Query.Should().Contain("%1B").And.Contain("%0D%0A");
        }
    }

    private static bool HasControl(string text) => text.Any(c => char.IsControl(c) || c == '\u202e');

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex Base64Url();

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex Verifier();
}
