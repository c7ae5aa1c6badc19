using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>The built <c>mcp-oauth</c> CLI, run as real OS processes, against the real oidc-provider (issue 3): two
/// processes refreshing one credential at once (REF-04), <c>login --no-browser</c> with the redirect pasted on stdin,
/// <c>status</c> without secrets, <c>logout</c> revoking at the server, and <c>token</c> without a login.</summary>
public sealed class McpOAuthCliRealServerTests : IClassFixture<OidcRealServerFixture>
{
    private readonly OidcRealServerFixture _servers;

    public McpOAuthCliRealServerTests(OidcRealServerFixture servers) => _servers = servers;

    private TestMcpServer Mcp => _servers.Mcp;

    private string Url => Mcp.McpUri.AbsoluteUri;

    [Fact]
    public async Task Token_TwoProcessesRefreshOneExpiredCredential_BothPrintTheSameFreshTokenAndTheGrantSurvives()
    {
        // REF-04: two processes, one store, one refresh at the server, and the grant survives
        using var temp = new TempDirectory();
        string store = temp.Combine("store");
        TokenSet signedIn = await SignInWithLibraryAsync(store);
        string file = Directory.GetFiles(store, "*.json").Should().ContainSingle().Which;
        ExpireStoredAccessToken(file);

        // Two OS processes on the same expired credential at once.
        Task<CliResult> first = ChildProcess.RunCliAsync("token", Url, "--store-dir", store);
        Task<CliResult> second = ChildProcess.RunCliAsync("token", Url, "--store-dir", store);
        CliResult[] results = await Task.WhenAll(first, second);

        TokenSet afterRace = await ReadStoredAsync(store);
        using (new AssertionScope())
        {
            foreach (CliResult result in results)
            {
                result.ExitCode.Should().Be(0, result.Transcript);
                _servers.ValidateForResource(result.StandardOutput.Trim(), Mcp.Resource)
                    .Should().NotBeNull($"stdout must be one JWT for {Mcp.Resource}: {result.Transcript}");
            }

            // One refresh served both (REF-04): the second process waited for the lock, re-read the store and used the
            // token the first stored, instead of spending the same refresh token again.
            results[0].StandardOutput.Trim().Should().Be(results[1].StandardOutput.Trim(), "one refresh at the server serves both processes");
            afterRace.AccessToken.Should().Be(results[0].StandardOutput.Trim()).And.NotBe(signedIn.AccessToken);
            afterRace.RefreshToken.Should().NotBeNullOrEmpty().And.NotBe(signedIn.RefreshToken);
            UnixModes.Of(file).Should().Be(UnixModes.OwnerReadWrite);
        }

        // The grant survived (no reuse detection revoked it): after another expiry a third process refreshes again.
        ExpireStoredAccessToken(file);
        CliResult third = await ChildProcess.RunCliAsync("token", Url, "--store-dir", store);

        TokenSet afterThird = await ReadStoredAsync(store);
        using (new AssertionScope())
        {
            third.ExitCode.Should().Be(0, third.Transcript);
            string token = third.StandardOutput.Trim();
            _servers.ValidateForResource(token, Mcp.Resource).Should().NotBeNull(third.Transcript);
            token.Should().NotBe(afterRace.AccessToken);
            afterThird.AccessToken.Should().Be(token);
            afterThird.RefreshToken.Should().NotBe(afterRace.RefreshToken);
        }
    }

    [Fact]
    public async Task LoginNoBrowser_RedirectPastedOnStdin_StatusShowsNoSecretsAndLogoutRevokesAtTheServer()
    {
        using var temp = new TempDirectory();
        string store = temp.Combine("store");
        using var browser = _servers.Oidc.CreateBrowser();

        await using (ChildProcess login = ChildProcess.StartCli("login", Url, "--no-browser", "--store-dir", store))
        {
            string shown = await login.WaitForStandardErrorLineAsync(
                line => line.Trim().StartsWith(_servers.Oidc.AuthorizationEndpoint.AbsoluteUri + "?", StringComparison.Ordinal));
            var authorizationUri = new Uri(shown.Trim());
            var redirectUri = new Uri(QueryHelpers.ParseQuery(authorizationUri.Query)["redirect_uri"].ToString());

            // Approve at oidc-provider, but never fetch the loopback redirect: the user pastes it instead.
            Uri redirected = await browser.AuthorizeAsync(authorizationUri, redirectUri);
            await login.WriteLineAsync(redirected.AbsoluteUri);

            (await login.WaitForExitAsync()).Should().Be(0, login.Describe());
        }

        TokenSet stored = await ReadStoredAsync(store);
        string file = Directory.GetFiles(store, "*.json").Should().ContainSingle().Which;
        CliResult json = await ChildProcess.RunCliAsync("status", "--json", "--store-dir", store);
        CliResult text = await ChildProcess.RunCliAsync("status", "--store-dir", store);
        json.ExitCode.Should().Be(0, json.Transcript);
        JsonObject entry = JsonNode.Parse(json.StandardOutput).Should().BeOfType<JsonArray>()
            .Which.Should().ContainSingle().Which.Should().BeOfType<JsonObject>().Which;
        using (new AssertionScope())
        {
            UnixModes.Of(file).Should().Be(UnixModes.OwnerReadWrite);
            _servers.ValidateForResource(stored.AccessToken, Mcp.Resource).Should().NotBeNull();
            ((string?)entry["server"]).Should().Be(Mcp.Resource);
            ((string?)entry["issuer"]).Should().Be(_servers.Oidc.Issuer);
            ((string?)entry["client_id"]).Should().Be(stored.ClientId);
            ((bool?)entry["has_refresh_token"]).Should().BeTrue();
            text.ExitCode.Should().Be(0, text.Transcript);
            text.StandardOutput.Should().Contain(Mcp.Resource).And.Contain("refresh token: yes");
            foreach (CliResult run in new[] { json, text })
            {
                (run.StandardOutput + run.StandardError).Should()
                    .NotContain(stored.AccessToken).And.NotContain(stored.RefreshToken!).And.NotContain("eyJ", "no secret is ever printed");
            }
        }

        CliResult logout = await ChildProcess.RunCliAsync("logout", Url, "--store-dir", store);

        (HttpStatusCode status, JsonObject body) = await _servers.RawRefreshAsync(stored);
        CliResult token = await ChildProcess.RunCliAsync("token", Url, "--store-dir", store);
        using (new AssertionScope())
        {
            logout.ExitCode.Should().Be(0, logout.Transcript);
            logout.StandardOutput.Should().Contain("revoked at the server and deleted");
            Directory.GetFiles(store, "*.json").Should().BeEmpty("logout deletes the credential");
            status.Should().Be(HttpStatusCode.BadRequest, "the refresh token was revoked at the server: " + body.ToJsonString());
            ((string?)body["error"]).Should().Be("invalid_grant");
            token.ExitCode.Should().Be(3, "after logout a login is required again: " + token.Transcript);
        }
    }

    // Issue 13 item 2: token prints nothing but the token on stdout, even with --verbose logging a refresh (logs go to stderr).
    [Fact]
    public async Task TokenVerbose_Refreshing_LogsOnStandardErrorAndPrintsOnlyTheTokenOnStandardOutput()
    {
        using var temp = new TempDirectory();
        string store = temp.Combine("store");
        await SignInWithLibraryAsync(store);
        ExpireStoredAccessToken(Directory.GetFiles(store, "*.json").Should().ContainSingle().Which);

        CliResult result = await ChildProcess.RunCliAsync("token", Url, "--store-dir", store, "--verbose");

        using (new AssertionScope())
        {
            result.ExitCode.Should().Be(0, result.Transcript);
            string[] lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().ContainSingle(result.Transcript);
            _servers.ValidateForResource(lines[0], Mcp.Resource).Should().NotBeNull("the one line is the refreshed JWT: " + result.Transcript);
            result.StandardError.Should().Contain("Refreshing the access token...").And.MatchRegex(@"(dbug|info): McpOAuth\.Client", "the library's logs are on stderr");
        }
    }

    [Fact]
    public async Task Token_NoLogin_ExitsThreeWithOneClearLine()
    {
        using var temp = new TempDirectory();

        CliResult result = await ChildProcess.RunCliAsync("token", Url, "--store-dir", temp.Combine("store"));

        using (new AssertionScope())
        {
            result.ExitCode.Should().Be(3, "3 is the documented 'login required' exit code: " + result.Transcript);
            result.StandardOutput.Should().BeEmpty();
            result.StandardError.Should().Contain("no valid login").And.Contain($"mcp-oauth login {Url}")
                .And.NotContain("   at ", "no stack trace by default");
            result.StandardError.TrimEnd('\n').Should().NotContain("\n", "the error is one line");
        }
    }

    /// <summary>Signs in through the library (as <c>mcp-oauth login</c> would) into a file store in <paramref name="store"/>.</summary>
    private async Task<TokenSet> SignInWithLibraryAsync(string store)
    {
        using var browser = _servers.Oidc.CreateBrowser();
        using var tokens = new FileTokenStore(store);
        var options = new McpOAuthOptions { ServerUri = Mcp.McpUri, LaunchBrowser = browser.LaunchBrowser };
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, tokens);
        try
        {
            TokenSet signedIn = await provider.SignInAsync(Mcp.McpUri).WaitAsync(TestTimeouts.Default);
            signedIn.RefreshToken.Should().NotBeNullOrEmpty(_servers.Oidc.Log);
            return signedIn;
        }
        finally
        {
            (provider as IDisposable)?.Dispose();
        }
    }

    /// <summary>Makes the stored access token expired, as if its lifetime had passed, leaving everything else as stored.</summary>
    private static void ExpireStoredAccessToken(string file)
    {
        var document = (JsonObject)JsonNode.Parse(File.ReadAllText(file))!;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        document["obtained_at"] = now - 7200;
        document["expires_at"] = now - 3600;
        File.WriteAllText(file, document.ToJsonString());
    }

    private static async Task<TokenSet> ReadStoredAsync(string store)
    {
        using var fresh = new FileTokenStore(store);
        return (await fresh.ListAsync()).Should().ContainSingle().Which;
    }
}
