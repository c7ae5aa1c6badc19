using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Pre-registered clients, Client ID Metadata Documents and dynamic registration, with the token endpoint
/// authentication the authorization server accepts.</summary>
public sealed class ClientRegistrationTests : ServerPairTest
{
    private const string MetadataDocumentUrl = "https://client.example/oauth/mcp-client.json";

    // AUTH-21, AUTH-25, REG-02, REG-06: the AS supports exactly one method; DCR asks for it and the token request uses it.
    [Theory]
    [InlineData("none")]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task SendAsync_DynamicRegistration_UsesTheOnlyAuthMethodTheServerSupports(string method)
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.TokenEndpointAuthMethodsSupported = [method]);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        TestClientRegistration registered = authorizationServer.Clients.Should().ContainSingle().Subject;
        RecordedRequest token = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            ((JsonObject)authorizationServer.RegistrationRequests.Single().BodyAsJson()!)["token_endpoint_auth_method"]!
                .GetValue<string>().Should().Be(method);
            registered.TokenEndpointAuthMethod.Should().Be(method);
            switch (method)
            {
                case "none":
                    token.Authorization.Should().BeNull();
                    token.FormValue("client_id").Should().Be(registered.ClientId);
                    token.FormValue("client_secret").Should().BeNull();
                    break;
                case "client_secret_basic":
                    token.Authorization.Should().Be("Basic " + BasicCredentials(registered.ClientId, registered.ClientSecret!));
                    token.FormValue("client_secret").Should().BeNull();
                    break;
                default:
                    token.Authorization.Should().BeNull();
                    token.FormValue("client_id").Should().Be(registered.ClientId);
                    token.FormValue("client_secret").Should().Be(registered.ClientSecret);
                    break;
            }
        }
    }

    // AUTH-17 (1), AUTH-18, AUTH-25: a confidential pre-registered client at an AS without registration; the secret has
    // characters that RFC 6749 §2.3.1 requires to be form-encoded inside Basic credentials.
    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task SendAsync_PreRegisteredConfidentialClient_AuthenticatesWithoutRegistering(string method)
    {
        const string ClientId = "pre-registered:client";
        const string Secret = "s3cr3t+/=:with space&more";
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.OnlyPreRegistered(ClientId, Secret, method));
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = Secret;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest token = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            authorizationServer.RegistrationRequests.Should().BeEmpty();
            authorizationServer.AuthorizeRequests.Single().QueryValue("client_id").Should().Be(ClientId);
            authorizationServer.AuthorizeRequests.Single().QueryString.Should().NotContain("secret");
            if (method == "client_secret_basic")
            {
                token.Authorization.Should().Be("Basic " + BasicCredentials(ClientId, Secret));
                token.FormValue("client_secret").Should().BeNull();
            }
            else
            {
                token.Authorization.Should().BeNull();
                token.FormValue("client_secret").Should().Be(Secret);
            }
        }
    }

    // AUTH-17 (2), AUTH-19: the AS supports CIMD (and DCR); the document URL is the client id and nothing is registered.
    [Fact]
    public async Task SendAsync_ServerSupportsMetadataDocuments_UsesDocumentUrlAsClientIdWithoutRegistering()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.ClientIdMetadataDocumentSupported = true);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, o => o.Client.ClientMetadataDocumentUri = new Uri(MetadataDocumentUrl));

        using (new AssertionScope())
        {
            authorizationServer.RegistrationRequests.Should().BeEmpty();
            authorizationServer.AuthorizeRequests.Single().QueryValue("client_id").Should().Be(MetadataDocumentUrl);
            authorizationServer.TokenRequests.Single().FormValue("client_id").Should().Be(MetadataDocumentUrl);
            authorizationServer.TokenRequests.Single().Authorization.Should().BeNull();
        }
    }

    // AUTH-17 (3), AUTH-19 (MAY fall back): CIMD configured but not advertised, so dynamic registration.
    [Fact]
    public async Task SendAsync_ServerLacksMetadataDocumentSupport_FallsBackToDynamicRegistration()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, o => o.Client.ClientMetadataDocumentUri = new Uri(MetadataDocumentUrl));

        using (new AssertionScope())
        {
            authorizationServer.RegistrationCount.Should().Be(1);
            authorizationServer.AuthorizeRequests.Single().QueryValue("client_id").Should().Be(authorizationServer.Clients.Single().ClientId);
        }
    }

    // AUTH-16, AUTH-17 (4): no pre-registration, no CIMD, no registration endpoint: a typed error before any browser.
    [Fact]
    public async Task SendAsync_NoRegistrationOption_ThrowsClientRegistrationRequiredWithoutBrowser() =>
        await RefusedAfterMetadata.AssertAsync(await StartServersAsync(o => o.RegistrationEnabled = false), McpOAuthErrorCode.ClientRegistrationRequired);

    private static string BasicCredentials(string clientId, string secret) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(clientId) + ":" + FormEncode(secret)));

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
