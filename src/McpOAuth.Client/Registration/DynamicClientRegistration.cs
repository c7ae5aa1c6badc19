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
            throw Refused(response, endpoint);
        }

        ClientRegistration registered = Read(response, request, method);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ClientRegistered(SafeText.Escape(registered.ClientId), endpoint);
        }

        return registered;
    }

    /// <summary>A refused registration, with what the refusal means for the user: a rate limit is not a configuration problem, and
    /// a server that does not take anonymous registrations needs a client registered by hand.</summary>
    private static McpOAuthException Refused(BackchannelResponse response, Uri endpoint)
    {
        OAuthErrorResponse? error = response.TryReadJson(McpOAuthJsonContext.Default.OAuthErrorResponse);
        string what = $"Dynamic client registration at {endpoint.GetLeftPart(UriPartial.Path)} failed with HTTP {(int)response.StatusCode} {SafeText.Escape(error?.Error)}: {SafeText.Escape(error?.ErrorDescription)}.";
        string advice = (int)response.StatusCode switch
        {
            429 => " The server is limiting how often clients register (too many requests): nothing is wrong with this client's configuration; try again later.",
            401 or 403 => " The server does not take anonymous registrations (Keycloak's Trusted Hosts policy, Okta without an API token). Register a client with it and configure it: McpOAuthOptions.Client.ClientId with Client.Issuer (mcp-oauth: --client-id ID --issuer URL; add --client-secret-env VAR for a confidential client).",
            _ when error?.Error == "invalid_redirect_uri" => " The server refuses loopback redirect URIs: register a client with the redirect URI http://127.0.0.1:PORT/callback and configure it (McpOAuthOptions.Client.ClientId and CallbackPort; mcp-oauth: --client-id ID --callback-port PORT).",
            _ => " If the server cannot register this client, register one by hand and configure McpOAuthOptions.Client.ClientId (mcp-oauth: --client-id ID --issuer URL).",
        };
        return new McpOAuthException(McpOAuthErrorCode.RegistrationFailed, what + advice)
        {
            Error = error?.Error,
            ErrorDescription = error?.ErrorDescription,
            ErrorUri = error?.ErrorUri,
        };
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
        Scope = request.Scopes.Count > 0 ? string.Join(' ', request.Scopes) : null, // RFC 7591 §2, as the MCP TypeScript SDK sends it.
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
            ClientSecretExpiresAt = method == OAuthWireNames.AuthMethodNone ? null : SecretExpiryOf(registered.ClientSecretExpiresAt),
            TokenEndpointAuthMethod = method,
            Issuer = request.Issuer,
            RedirectUris = DefaultClientRegistrar.RedirectUrisOf(request),
            Kind = ClientRegistrationKind.Dynamic,
            GrantTypes = registered.GrantTypes,
        };
    }

    /// <summary>RFC 7591 §3.2.1: 0 (or nothing) means the secret never expires; a time beyond what an instant can hold is treated
    /// the same way, and a negative one as already expired.</summary>
    private static DateTimeOffset? SecretExpiryOf(long? secondsSinceEpoch) => secondsSinceEpoch switch
    {
        null or 0 or > 253402300799 => null,
        < 0 => DateTimeOffset.UnixEpoch,
        { } seconds => DateTimeOffset.FromUnixTimeSeconds(seconds),
    };

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
