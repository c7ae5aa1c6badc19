using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests;

/// <summary>login, token and status in process against the loopback authorization and MCP servers, with the flags of
/// issue 12 item 3: each flag changes what reaches the authorization server, and token prints nothing but the token.</summary>
public sealed class CliSignInTests
{
    private const string ClientId = "cli-preregistered";
    private const string Secret = "cli-SECRET-0123456789";

    [Fact]
    public async Task Login_ThenToken_TokenPrintsOnlyTheIssuedTokenAndProgressStaysOnStandardError()
    {
        await using CliRig rig = await CliRig.StartAsync();
        string store = rig.Temp.Combine("store");

        CliOutcome login = await rig.LoginAsync("--store-dir", store);
        CliOutcome token = await rig.RunAsync("token", "--store-dir", store);

        string issued = rig.Authorization.IssuedAccessTokens.Should().ContainSingle().Which.Token;
        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            login.StandardOutput.Should().StartWith($"Signed in to {rig.Mcp.Resource} (issuer {rig.Authorization.Issuer}, client ");
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
        await using CliRig rig = await CliRig.StartAsync();

        CliOutcome withResource = await rig.LoginAsync("--store-dir", rig.Temp.Combine("a"));
        CliOutcome without = await rig.LoginAsync("--store-dir", rig.Temp.Combine("b"), "--no-resource");

        using (new AssertionScope())
        {
            withResource.ExitCode.Should().Be(0, withResource.ToString());
            without.ExitCode.Should().Be(0, without.ToString());
            rig.Authorization.AuthorizeRequests.Select(r => r.QueryValue("resource")).Should().Equal(rig.Mcp.Resource, null);
            rig.Authorization.TokenRequests.Select(r => r.FormValue("resource")).Should().Equal(rig.Mcp.Resource, null);
        }
    }

    // AUTH-13: PKCE S256 must be advertised unless --allow-missing-pkce-metadata says the server supports it silently.
    [Fact]
    public async Task Login_ServerWithoutPkceMetadata_FailsUnlessAllowedAndStillUsesS256()
    {
        await using CliRig rig = await CliRig.StartAsync(o => o.CodeChallengeMethodsSupported = null);

        CliOutcome refused = await rig.LoginAsync("--store-dir", rig.Temp.Combine("a"));
        CliOutcome allowed = await rig.LoginAsync("--store-dir", rig.Temp.Combine("b"), "--allow-missing-pkce-metadata");

        using (new AssertionScope())
        {
            refused.ExitCode.Should().Be(1, refused.ToString());
            refused.StandardError.Should().Contain("does not advertise PKCE with S256");
            allowed.ExitCode.Should().Be(0, allowed.ToString());
            rig.Authorization.AuthorizeRequests.Should().ContainSingle().Which.QueryValue("code_challenge_method").Should().Be("S256");
        }
    }

    // AUTH-24: --issuer binds the pre-registered client id and its secret to one authorization server.
    [Fact]
    public async Task Login_IssuerOfThePreRegisteredClient_SignsInWithIt()
    {
        await using CliRig rig = await CliRig.StartAsync(WithConfidentialClient);

        CliOutcome login = await LoginWithTheSecretAsync(rig, rig.Authorization.Issuer);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            login.StandardOutput.Should().Contain($"client {ClientId}");
            rig.Authorization.TokenRequests.Should().ContainSingle().Which.Authorization.Should().StartWith("Basic ");
            (login.StandardOutput + login.StandardError).Should().NotContain(Secret);
        }
    }

    [Fact]
    public async Task Login_IssuerOfAnotherAuthorizationServer_NeverSendsTheClientOrItsSecret()
    {
        await using CliRig rig = await CliRig.StartAsync(WithConfidentialClient);

        CliOutcome login = await LoginWithTheSecretAsync(rig, "https://as.example.com");

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(1, login.ToString());
            login.StandardError.Should().Contain("https://as.example.com");
            rig.Authorization.AuthorizeRequests.Should().BeEmpty();
            rig.Authorization.TokenRequests.Should().BeEmpty();
            rig.Browser.LaunchCount.Should().Be(0);
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
        await using CliRig rig = await CliRig.StartAsync();

        CliOutcome login = await rig.LoginAsync("--store-dir", rig.Temp.Path, "--auth-param", "audience=api://mcp", "--auth-param", "login_hint=a@example.com");

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            RecordedRequest authorize = rig.Authorization.AuthorizeRequests.Should().ContainSingle().Which;
            authorize.QueryValue("audience").Should().Be("api://mcp");
            authorize.QueryValue("login_hint").Should().Be("a@example.com");
        }
    }

    // AUTH-15, issue 10: the 2025-03-26 fallback is opt-in; the refusal names the flag that allows it.
    [Fact]
    public async Task Login_ServerWithoutProtectedResourceMetadata_FailsNamingAllowLegacyDiscovery()
    {
        await using CliRig rig = await CliRig.StartAsync(mcp: o => o.MetadataLocations = ProtectedResourceMetadataLocations.None);

        CliOutcome login = await rig.LoginAsync("--store-dir", rig.Temp.Path);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(1, login.ToString());
            login.StandardError.Should().Contain("--allow-legacy-discovery");
            rig.Browser.LaunchCount.Should().Be(0);
        }
    }

    /// <summary>An authorization server without dynamic registration that knows one confidential, pre-registered client.</summary>
    private static void WithConfidentialClient(TestAuthorizationServerOptions o)
    {
        o.RegistrationEnabled = false;
        o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
        o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = Secret, TokenEndpointAuthMethod = "client_secret_basic" });
    }

    /// <summary>login with the confidential client bound to <paramref name="issuer"/>, its secret in a variable.</summary>
    private static Task<CliOutcome> LoginWithTheSecretAsync(CliRig rig, string issuer) =>
        rig.LoginAsync("--client-id", ClientId, "--client-secret-env", CliHarness.SecretVariable(Secret), "--issuer", issuer, "--store-dir", rig.Temp.Path);
}
