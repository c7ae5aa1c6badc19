using McpOAuth.Client.Internal;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Tests.Internal.Validators;

public sealed class McpOAuthOptionsValidatorTests
{
    [Fact]
    public void Validate_DefaultOptions_Succeeds()
    {
        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, new McpOAuthOptions());

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    [Fact]
    public void Validate_FullyConfiguredValidOptions_Succeeds()
    {
        var options = new McpOAuthOptions
        {
            ServerUri = new Uri("https://mcp.example.com/mcp"),
            CallbackPort = 8765,
            CallbackPath = "/oauth/callback",
            AuthorizationTimeout = TimeSpan.FromMinutes(10),
            HttpTimeout = TimeSpan.FromSeconds(10),
            RefreshSkew = TimeSpan.Zero,
            MaxAuthorizationAttempts = 10,
        };
        options.Client.ClientId = "client";
        options.Client.ClientSecret = "secret";
        options.Client.Issuer = "https://auth.example.com/tenant";
        options.Client.TokenEndpointAuthMethod = "client_secret_post";
        options.Client.ClientMetadataDocumentUri = new Uri("https://app.example/oauth/client.json");

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    public static TheoryData<string, Action<McpOAuthOptions>> InvalidOptions => new()
    {
        { "ServerUri", o => o.ServerUri = new Uri("ftp://mcp.example.com/mcp") },
        { "ServerUri", o => o.ServerUri = new Uri("/mcp", UriKind.Relative) },
        { "CallbackPort", o => o.CallbackPort = 0 },
        { "CallbackPort", o => o.CallbackPort = 65536 },
        { "CallbackPath", o => o.CallbackPath = "callback" },
        { "CallbackPath", o => o.CallbackPath = string.Empty },
        { "CallbackPath", o => o.CallbackPath = "/callback?x=1" },
        { "AuthorizationTimeout", o => o.AuthorizationTimeout = TimeSpan.Zero },
        { "AuthorizationTimeout", o => o.AuthorizationTimeout = TimeSpan.FromHours(2) },
        { "HttpTimeout", o => o.HttpTimeout = TimeSpan.FromMilliseconds(500) },
        { "HttpTimeout", o => o.HttpTimeout = TimeSpan.FromMinutes(6) },
        { "RefreshSkew", o => o.RefreshSkew = TimeSpan.FromSeconds(-1) },
        { "RefreshSkew", o => o.RefreshSkew = TimeSpan.FromMinutes(11) },
        { "MaxAuthorizationAttempts", o => o.MaxAuthorizationAttempts = 0 },
        { "MaxAuthorizationAttempts", o => o.MaxAuthorizationAttempts = 11 },
        { "Client.ClientSecret", o => o.Client.ClientSecret = "secret-without-id" },
        { "Client.TokenEndpointAuthMethod", o => { o.Client.ClientId = "c"; o.Client.TokenEndpointAuthMethod = "private_key_jwt"; } },
        { "Client.TokenEndpointAuthMethod", o => { o.Client.ClientId = "c"; o.Client.TokenEndpointAuthMethod = "client_secret_basic"; } },
        { "Client.ClientMetadataDocumentUri", o => o.Client.ClientMetadataDocumentUri = new Uri("http://app.example/client.json") },
        { "Client.ClientMetadataDocumentUri", o => o.Client.ClientMetadataDocumentUri = new Uri("https://app.example/") },
        { "Client.ClientMetadataDocumentUri", o => o.Client.ClientMetadataDocumentUri = new Uri("https://app.example/client.json#f") },

        // T10, AUTH-24 (issue 10 item 0): every configured credential is bound to an issuer.
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.Client.ClientSecret = "s"; } },
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.Client.ClientAssertionKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256); } },
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.AssertionProvider = (_, _) => ValueTask.FromResult("jwt"); } },
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.Client.Issuer = "http://auth.example.com"; } },
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.Client.Issuer = "https://auth.example.com/?tenant=x"; } },
        { "Client.Issuer", o => { o.Client.ClientId = "c"; o.Client.Issuer = "auth.example.com"; } },

        // Issue 12 item 2: the protocol's own parameters, and those that would replace them, cannot be set as extras.
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["state"] = "x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["code_challenge"] = "x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["code_challenge_method"] = "plain" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["redirect_uri"] = "https://attacker.example/" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["client_id"] = "x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["response_type"] = "token" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["resource"] = "https://x.example" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["scope"] = "openid" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["SCOPE"] = "openid" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["request"] = "eyJ..." },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["request_uri"] = "urn:x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["response_mode"] = "form_post" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters[string.Empty] = "x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["a b"] = "x" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["login_hint"] = "a\r\nb" },
        { "AdditionalAuthorizationParameters", o => o.AdditionalAuthorizationParameters["login_hint"] = new string('a', 2049) },
        { "AllowTenantPlaceholderInIssuer", o => { o.Client.ClientId = "c"; o.AllowTenantPlaceholderInIssuer = true; } },
    };

    [Fact]
    public void Validate_ProviderQuirkOptions_Succeed()
    {
        // The recipes of docs/providers.md validate: Google's, Auth0's and Entra's extras and switches.
        var options = new McpOAuthOptions { SendResourceParameter = false, SendScopeOnRefresh = true, RequirePkceMetadata = false, AllowTenantPlaceholderInIssuer = true };
        options.Client.ClientId = "c";
        options.Client.Issuer = "https://login.microsoftonline.com/organizations/v2.0";
        options.AdditionalAuthorizationParameters["access_type"] = "offline";
        options.AdditionalAuthorizationParameters["prompt"] = "consent";
        options.AdditionalAuthorizationParameters["audience"] = "https://api.example.com";
        options.AdditionalAuthorizationParameters["login_hint"] = "user name@example.com";

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    [Fact]
    public void Validate_ScopeAsAnAdditionalParameter_NamesTheOptionToUseInstead()
    {
        // scope is refused because the MCP scope selection (challenge, configured, offline_access) builds it: a fixed one would
        // silently drop a step-up's scopes.
        var options = new McpOAuthOptions();
        options.AdditionalAuthorizationParameters["scope"] = "openid";

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.FailureMessage.Should().Contain("Scopes").And.Contain("--scope");
    }

    [Fact]
    public void Validate_SecretWithoutIssuer_SaysWhatToSetAndNeverTheSecret()
    {
        var options = new McpOAuthOptions();
        options.Client.ClientId = "client";
        options.Client.ClientSecret = "SECRET-VALUE-123456";

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.FailureMessage.Should().Contain("Client.Issuer").And.Contain("--issuer").And.NotContain("SECRET-VALUE-123456");
    }

    [Fact]
    public void Validate_PublicClientIdWithoutIssuer_Allowed()
    {
        // No credential to collect; its sign-ins require RFC 9207 iss instead (see CredentialBindingTests).
        var options = new McpOAuthOptions();
        options.Client.ClientId = "public-client";

        new McpOAuthOptionsValidator().Validate(Options.DefaultName, options).Succeeded.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidSetting_FailsNamingTheSetting(string member, Action<McpOAuthOptions> configure)
    {
        var options = new McpOAuthOptions();
        configure(options);

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(member);
    }

    [Fact]
    public void Validate_SeveralInvalidSettings_ReportsEach()
    {
        var options = new McpOAuthOptions { CallbackPort = 0, MaxAuthorizationAttempts = 0, CallbackPath = "x" };

        ValidateOptionsResult result = new McpOAuthOptionsValidator().Validate(Options.DefaultName, options);

        result.Failures.Should().HaveCount(3);
    }
}
