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
    };

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
