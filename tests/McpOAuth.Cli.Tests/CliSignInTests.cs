using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests;

/// <summary>login, token and status in process against the loopback authorization and MCP servers, with the flags of
/// issue 12 item 3: each flag changes what reaches the authorization server, and token prints nothing but the token.</summary>
public sealed class CliSignInTests
{
    [Fact]
    public async Task Login_ThenToken_TokenPrintsOnlyTheIssuedTokenAndProgressStaysOnStandardError()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync();
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();
        string store = temp.Combine("store");

        CliOutcome login = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store-dir", store], browser);
        CliOutcome token = await CliHarness.RunAsync("token", mcp.McpEndpoint, "--store-dir", store);

        string issued = authorization.IssuedAccessTokens.Should().ContainSingle().Which.Token;
        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            login.StandardOutput.Should().StartWith($"Signed in to {mcp.Resource} (issuer {authorization.Issuer}, client ");
            login.StandardError.Should().Contain("Waiting for the browser...").And.Contain("Exchanging the authorization code...")
                .And.NotContain("\u001b", "standard error is not a terminal here: plain lines, no spinner");
            token.ExitCode.Should().Be(0, token.ToString());
            token.StandardOutput.Should().Be(issued + Environment.NewLine, "token prints the token and nothing else");
        }
    }

    // AUTH-34: --no-resource leaves out the RFC 8707 resource parameter, for servers such as Entra ID that reject it.
    [Fact]
    public async Task Login_NoResource_SendsNoResourceParameter()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync();
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome withResource = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store-dir", temp.Combine("a")], browser);
        CliOutcome without = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store-dir", temp.Combine("b"), "--no-resource"], browser);

        using (new AssertionScope())
        {
            withResource.ExitCode.Should().Be(0, withResource.ToString());
            without.ExitCode.Should().Be(0, without.ToString());
            authorization.AuthorizeRequests.Select(r => r.QueryValue("resource")).Should().Equal(mcp.Resource, null);
            authorization.TokenRequests.Select(r => r.FormValue("resource")).Should().Equal(mcp.Resource, null);
        }
    }

    // AUTH-13: PKCE S256 must be advertised unless --allow-missing-pkce-metadata says the server supports it silently.
    [Fact]
    public async Task Login_ServerWithoutPkceMetadata_FailsUnlessAllowedAndStillUsesS256()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync(o => o.CodeChallengeMethodsSupported = null);
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome refused = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store-dir", temp.Combine("a")], browser);
        CliOutcome allowed = await CliHarness.RunAsync(
            ["login", mcp.McpEndpoint, "--store-dir", temp.Combine("b"), "--allow-missing-pkce-metadata"], browser);

        using (new AssertionScope())
        {
            refused.ExitCode.Should().Be(1, refused.ToString());
            refused.StandardError.Should().Contain("does not advertise PKCE with S256");
            allowed.ExitCode.Should().Be(0, allowed.ToString());
            authorization.AuthorizeRequests.Should().ContainSingle().Which.QueryValue("code_challenge_method").Should().Be("S256");
        }
    }

    // AUTH-24: --issuer binds the pre-registered client id and its secret to one authorization server.
    [Fact]
    public async Task Login_IssuerOfThePreRegisteredClient_SignsInWithIt()
    {
        const string ClientId = "cli-preregistered";
        const string Secret = "cli-SECRET-0123456789";
        await using var authorization = await StartWithConfidentialClientAsync(ClientId, Secret);
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();
        string variable = CliHarness.SecretVariable(Secret);

        CliOutcome login = await CliHarness.RunAsync(
            ["login", mcp.McpEndpoint, "--client-id", ClientId, "--client-secret-env", variable, "--issuer", authorization.Issuer, "--store-dir", temp.Path],
            browser);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            login.StandardOutput.Should().Contain($"client {ClientId}");
            authorization.TokenRequests.Should().ContainSingle().Which.Authorization.Should().StartWith("Basic ");
            (login.StandardOutput + login.StandardError).Should().NotContain(Secret);
        }
    }

    [Fact]
    public async Task Login_IssuerOfAnotherAuthorizationServer_NeverSendsTheClientOrItsSecret()
    {
        const string ClientId = "cli-bound-elsewhere";
        const string Secret = "cli-SECRET-9876543210";
        await using var authorization = await StartWithConfidentialClientAsync(ClientId, Secret);
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();
        string variable = CliHarness.SecretVariable(Secret);

        CliOutcome login = await CliHarness.RunAsync(
            ["login", mcp.McpEndpoint, "--client-id", ClientId, "--client-secret-env", variable, "--issuer", "https://as.example.com", "--store-dir", temp.Path],
            browser);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(1, login.ToString());
            login.StandardError.Should().Contain("https://as.example.com");
            authorization.AuthorizeRequests.Should().BeEmpty();
            authorization.TokenRequests.Should().BeEmpty();
            browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task Login_SecretVariableNotSet_IsAUsageError()
    {
        using var temp = new TempDirectory();

        CliOutcome login = await CliHarness.RunAsync(
            "login", "http://127.0.0.1:9/mcp", "--client-id", "c", "--client-secret-env", "MCP_OAUTH_TEST_UNSET_" + Guid.NewGuid().ToString("N"), "--store-dir", temp.Path);

        login.ExitCode.Should().Be(2, login.ToString());
        login.StandardError.Should().Contain("is not set");
    }

    // Issue 12 item 2: --auth-param reaches the authorization request.
    [Fact]
    public async Task Login_AuthParam_IsSentOnTheAuthorizationRequest()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync();
        await using var mcp = await TestMcpServer.StartAsync(authorization);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome login = await CliHarness.RunAsync(
            ["login", mcp.McpEndpoint, "--store-dir", temp.Path, "--auth-param", "audience=api://mcp", "--auth-param", "login_hint=a@example.com"], browser);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            RecordedRequest authorize = authorization.AuthorizeRequests.Should().ContainSingle().Which;
            authorize.QueryValue("audience").Should().Be("api://mcp");
            authorize.QueryValue("login_hint").Should().Be("a@example.com");
        }
    }

    // AUTH-15, issue 10: the 2025-03-26 fallback is opt-in; the refusal names the flag that allows it.
    [Fact]
    public async Task Login_ServerWithoutProtectedResourceMetadata_FailsNamingAllowLegacyDiscovery()
    {
        await using var authorization = await TestAuthorizationServer.StartAsync();
        await using var mcp = await TestMcpServer.StartAsync(authorization, o => o.MetadataLocations = ProtectedResourceMetadataLocations.None);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();

        CliOutcome login = await CliHarness.RunAsync(["login", mcp.McpEndpoint, "--store-dir", temp.Path], browser);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(1, login.ToString());
            login.StandardError.Should().Contain("--allow-legacy-discovery");
            browser.LaunchCount.Should().Be(0);
        }
    }

    /// <summary>An authorization server without dynamic registration that knows one confidential, pre-registered client.</summary>
    private static Task<TestAuthorizationServer> StartWithConfidentialClientAsync(string clientId, string secret) =>
        TestAuthorizationServer.StartAsync(o =>
        {
            o.RegistrationEnabled = false;
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = clientId, ClientSecret = secret, TokenEndpointAuthMethod = "client_secret_basic" });
        });
}
