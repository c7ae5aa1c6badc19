using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>RFC 7591 dynamic client registration: the request a native MCP client sends, and the checks on what comes back.</summary>
internal static class DynamicClientRegistration
{
    private static readonly string[] GrantTypes = [OAuthWireNames.AuthorizationCodeGrant, OAuthWireNames.RefreshTokenGrant];
    private static readonly string[] DeviceGrantTypes = [OAuthWireNames.DeviceCodeGrant, OAuthWireNames.RefreshTokenGrant];
    private static readonly string[] ResponseTypes = [OAuthWireNames.Code];

    public static async Task<ClientRegistration> RegisterAsync(
        Backchannel backchannel,
        ClientRegistrationRequest request,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        AuthorizationServerDocument server = request.AuthorizationServer;
        Uri endpoint = UriPolicy.RequireSecureEndpoint(server.RegistrationEndpoint, request.AllowHttpOnLoopback, "registration endpoint");
        string method = PreferredMethod(server);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(BodyOf(request, method), McpOAuthJsonContext.Default.ClientRegistrationRequestBody);
        BackchannelResponse response = await backchannel.PostJsonAsync(endpoint, json, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            OAuthErrorResponse? error = response.TryReadJson(McpOAuthJsonContext.Default.OAuthErrorResponse);
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                $"Dynamic client registration at {endpoint.GetLeftPart(UriPartial.Path)} failed with HTTP {(int)response.StatusCode} {SafeText.Escape(error?.Error)}: {SafeText.Escape(error?.ErrorDescription)}. If the server rejects loopback redirect URIs, configure a pre-registered client id.")
            {
                Error = error?.Error,
                ErrorDescription = error?.ErrorDescription,
                ErrorUri = error?.ErrorUri,
            };
        }

        ClientRegistration registered = Read(response, request, method);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ClientRegistered(SafeText.Escape(registered.ClientId), endpoint);
        }

        return registered;
    }

    private static ClientRegistrationRequestBody BodyOf(ClientRegistrationRequest request, string method) => new()
    {
        RedirectUris = request.DeviceAuthorization ? null : DefaultClientRegistrar.RedirectUrisOf(request),
        ClientName = request.Options.ClientName,
        ClientUri = request.Options.ClientUri?.OriginalString,
        GrantTypes = request.DeviceAuthorization ? DeviceGrantTypes : GrantTypes,
        ResponseTypes = request.DeviceAuthorization ? null : ResponseTypes,
        TokenEndpointAuthMethod = method,
        ApplicationType = ApplicationTypeOf(request.RedirectUri),
    };

    /// <summary>
    /// OpenID Connect Dynamic Client Registration §2: a <c>native</c> client redirects to loopback or a custom scheme, a
    /// <c>web</c> client (a hosted application's public callback) to https on a real host. Servers such as Keycloak and
    /// oidc-provider refuse a native registration with a public https redirect URI.
    /// </summary>
    private static string ApplicationTypeOf(Uri? redirectUri) =>
        redirectUri is { Scheme: "https", IsLoopback: false } ? "web" : "native";

    /// <summary>RFC 7591 §3.2.1: the server may change what was asked for; honour it when it is usable, fail clearly when not.</summary>
    private static ClientRegistration Read(BackchannelResponse response, ClientRegistrationRequest request, string requestedMethod)
    {
        ClientRegistrationResponseBody? registered;
        try
        {
            registered = JsonSerializer.Deserialize(response.Body, McpOAuthJsonContext.Default.ClientRegistrationResponseBody);
        }
        catch (JsonException ex)
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The registration response is not valid JSON.", ex);
        }

        if (registered is null || string.IsNullOrEmpty(registered.ClientId))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The registration response has no client_id.");
        }

        string method = registered.TokenEndpointAuthMethod ?? requestedMethod;
        if (method is not (OAuthWireNames.AuthMethodNone or OAuthWireNames.AuthMethodClientSecretBasic or OAuthWireNames.AuthMethodClientSecretPost))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                $"The registration response requires the token endpoint auth method '{SafeText.Escape(method)}', which this client does not support.");
        }

        if (method != OAuthWireNames.AuthMethodNone && string.IsNullOrEmpty(registered.ClientSecret))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                $"The registration response requires '{method}' but returned no client_secret.");
        }

        if (request.RedirectUri is { } redirect && registered.RedirectUris is { Count: > 0 } uris
            && !uris.Contains(redirect.OriginalString, StringComparer.Ordinal))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                "The registration response replaced the redirect URI, so the authorization response could never be received.");
        }

        return new ClientRegistration
        {
            ClientId = registered.ClientId,
            ClientSecret = method == OAuthWireNames.AuthMethodNone ? null : registered.ClientSecret,
            TokenEndpointAuthMethod = method,
            Issuer = request.Issuer,
            RedirectUris = DefaultClientRegistrar.RedirectUrisOf(request),
            Kind = ClientRegistrationKind.Dynamic,
        };
    }

    /// <summary><c>none</c> when the server takes it (or says nothing), else a secret method it lists.</summary>
    private static string PreferredMethod(AuthorizationServerDocument server)
    {
        IReadOnlyList<string>? supported = server.TokenEndpointAuthMethodsSupported;
        if (supported is null || supported.Count == 0 || supported.Contains(OAuthWireNames.AuthMethodNone))
        {
            return OAuthWireNames.AuthMethodNone;
        }

        if (supported.Contains(OAuthWireNames.AuthMethodClientSecretBasic))
        {
            return OAuthWireNames.AuthMethodClientSecretBasic;
        }

        return supported.Contains(OAuthWireNames.AuthMethodClientSecretPost)
            ? OAuthWireNames.AuthMethodClientSecretPost
            : OAuthWireNames.AuthMethodNone;
    }

}
