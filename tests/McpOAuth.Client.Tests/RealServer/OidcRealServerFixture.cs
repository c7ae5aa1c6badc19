using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using McpOAuth.Client.Tests.OidcProvider;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>One real authorization server and one protected MCP server, shared by the tests of a class: oidc-provider
/// (pinned, OpenID Certified) with 60 s JWT access tokens, rotating refresh tokens with reuse detection, and revocation;
/// and a <see cref="TestMcpServer"/> that accepts only oidc-provider JWTs whose <c>aud</c> is exactly its resource.</summary>
/// <remarks>Every test registers its own client, so tests share no grant. Tests of one class run one at a time.</remarks>
public sealed class OidcRealServerFixture : IAsyncLifetime
{
    /// <summary>The access token lifetime oidc-provider is started with, in seconds.</summary>
    public const int AccessTokenTtlSeconds = 60;

    private OidcProviderServer? _oidc;
    private OidcJwtValidator? _validator;
    private TestMcpServer? _mcp;

    public OidcProviderServer Oidc => _oidc ?? throw new InvalidOperationException("Not started.");

    public OidcJwtValidator Validator => _validator ?? throw new InvalidOperationException("Not started.");

    public TestMcpServer Mcp => _mcp ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _oidc = await OidcProviderServer.StartAsync(new OidcProviderOptions { AccessTokenTtlSeconds = AccessTokenTtlSeconds });
        _validator = await _oidc.CreateJwtValidatorAsync();
        _mcp = await TestMcpServer.StartAsync(null, o =>
        {
            o.AuthorizationServers = [_oidc.Issuer];
            o.ScopesSupported = ["mcp:read", "mcp:write"];
            o.TokenValidator = (token, resource) => ValidateForResource(token, resource) is { } valid ? [.. valid.Scopes] : null;
        });
    }

    public async Task DisposeAsync()
    {
        if (_mcp is not null)
        {
            await _mcp.DisposeAsync();
        }

        if (_oidc is not null)
        {
            await _oidc.DisposeAsync();
        }
    }

    /// <summary>Validates a JWT access token of oidc-provider (signature, <c>iss</c>, <c>exp</c>) whose only audience is the
    /// resource.</summary>
    /// <returns>The token, or <see langword="null"/> if it is not valid for exactly that resource.</returns>
    public OidcAccessToken? ValidateForResource(string token, string resource) =>
        Validator.TryValidate(token, resource) is { Token: { Audiences: [var audience] } valid }
        && string.Equals(audience, resource, StringComparison.Ordinal)
            ? valid
            : null;

    /// <summary>Presents a refresh token at oidc-provider's token endpoint, raw (no library code), authenticating as the
    /// client the stored credential names.</summary>
    /// <returns>The HTTP status and the JSON body.</returns>
    public async Task<(HttpStatusCode Status, JsonObject Body)> RawRefreshAsync(TokenSet stored)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = stored.RefreshToken ?? throw new ArgumentException("No refresh token.", nameof(stored)),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Oidc.TokenEndpoint);
        if (stored.Registration?.ClientSecret is { } secret)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(stored.ClientId)}:{Uri.EscapeDataString(secret)}")));
        }
        else
        {
            form["client_id"] = stored.ClientId;
        }

        request.Content = new FormUrlEncodedContent(form);
        using var raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        using HttpResponseMessage response = await raw.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"Not a JSON object: {text}"));
    }
}
