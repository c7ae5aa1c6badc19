using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The MCP registration order (AUTH-17): pre-registered, then a Client ID Metadata Document, then RFC 7591 dynamic
/// registration, with dynamic registrations cached per issuer and redirect URI.
/// </summary>
internal sealed class DefaultClientRegistrar : IClientRegistrar
{
    private static readonly string[] GrantTypes = [OAuthWireNames.AuthorizationCodeGrant, OAuthWireNames.RefreshTokenGrant];
    private static readonly string[] DeviceGrantTypes = [OAuthWireNames.DeviceCodeGrant, OAuthWireNames.RefreshTokenGrant];
    private static readonly string[] ResponseTypes = ["code"];

    private readonly Backchannel _backchannel;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ClientRegistration> _dynamic = new(StringComparer.Ordinal);

    public DefaultClientRegistrar(Backchannel backchannel, ILogger logger)
    {
        _backchannel = backchannel;
        _logger = logger;
    }

    public async Task<ClientRegistration> GetRegistrationAsync(ClientRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ClientRegistrationOptions options = request.Options;
        AuthorizationServerDocument server = request.AuthorizationServer;

        if (!string.IsNullOrEmpty(options.ClientId))
        {
            if (options.Issuer is not null && !string.Equals(options.Issuer, request.Issuer, StringComparison.Ordinal))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.ClientRegistrationRequired,
                    $"The configured client id belongs to the issuer '{SafeText.Escape(options.Issuer)}', but the server now uses '{SafeText.Escape(request.Issuer)}'; it was not sent. Configure a client id for the new authorization server.");
            }

            var preregistered = new ClientRegistration
            {
                ClientId = options.ClientId,
                ClientSecret = options.ClientSecret,
                TokenEndpointAuthMethod = options.TokenEndpointAuthMethod
                    ?? (options.ClientAssertionKey is not null ? OAuthWireNames.AuthMethodPrivateKeyJwt : ChooseSecretMethod(options.ClientSecret, server)),
                Issuer = request.Issuer,
                RedirectUris = RedirectUrisOf(request),
                Kind = ClientRegistrationKind.Preregistered,
            };
            _logger.ClientRegistrationChosen(preregistered.Kind, request.Issuer);
            return preregistered;
        }

        if (options.ClientMetadataDocumentUri is { } documentUri && server.ClientIdMetadataDocumentSupported == true)
        {
            ValidateMetadataDocumentUri(documentUri);
            _logger.ClientRegistrationChosen(ClientRegistrationKind.MetadataDocument, request.Issuer);
            return new ClientRegistration
            {
                ClientId = documentUri.OriginalString,
                TokenEndpointAuthMethod = OAuthWireNames.AuthMethodNone,
                Issuer = request.Issuer,
                RedirectUris = RedirectUrisOf(request),
                Kind = ClientRegistrationKind.MetadataDocument,
            };
        }

        if (server.RegistrationEndpoint is not null && options.AllowDynamicRegistration)
        {
            string cacheKey = request.Issuer + "\n" + (request.DeviceAuthorization ? "device" : request.RedirectUri?.OriginalString);
            if (_dynamic.TryGetValue(cacheKey, out ClientRegistration? cached))
            {
                return cached;
            }

            ClientRegistration registered = await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
            _dynamic[cacheKey] = registered;
            return registered;
        }

        throw new McpOAuthException(
            McpOAuthErrorCode.ClientRegistrationRequired,
            $"The authorization server '{SafeText.Escape(request.Issuer)}' offers no way to register this client (no usable Client ID Metadata Document and no dynamic registration). Configure a client id registered with it (McpOAuthOptions.Client.ClientId, or --client-id).");
    }

    public ValueTask ForgetAsync(ClientRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        foreach (KeyValuePair<string, ClientRegistration> entry in _dynamic)
        {
            if (entry.Value == registration || string.Equals(entry.Value.ClientId, registration.ClientId, StringComparison.Ordinal))
            {
                _dynamic.TryRemove(entry.Key, out _);
            }
        }

        _logger.ClientRegistrationForgotten(registration.Issuer);
        return ValueTask.CompletedTask;
    }

    private async Task<ClientRegistration> RegisterAsync(ClientRegistrationRequest request, CancellationToken cancellationToken)
    {
        AuthorizationServerDocument server = request.AuthorizationServer;
        Uri endpoint = UriPolicy.RequireSecureEndpoint(server.RegistrationEndpoint, request.AllowHttpOnLoopback, "registration endpoint");
        string method = PreferredDynamicMethod(server);
        var body = new ClientRegistrationRequestBody
        {
            RedirectUris = request.DeviceAuthorization ? null : RedirectUrisOf(request),
            ClientName = request.Options.ClientName,
            ClientUri = request.Options.ClientUri?.OriginalString,
            GrantTypes = request.DeviceAuthorization ? DeviceGrantTypes : GrantTypes,
            ResponseTypes = request.DeviceAuthorization ? null : ResponseTypes,
            TokenEndpointAuthMethod = method,
            ApplicationType = "native",
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(body, McpOAuthJsonContext.Default.ClientRegistrationRequestBody);
        BackchannelResponse response = await _backchannel.PostJsonAsync(endpoint, json, cancellationToken).ConfigureAwait(false);

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

        // RFC 7591 §3.2.1: the server may change what was asked for; honour it when it is usable, fail clearly when not.
        string finalMethod = registered.TokenEndpointAuthMethod ?? method;
        if (finalMethod is not (OAuthWireNames.AuthMethodNone or OAuthWireNames.AuthMethodClientSecretBasic or OAuthWireNames.AuthMethodClientSecretPost))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                $"The registration response requires the token endpoint auth method '{SafeText.Escape(finalMethod)}', which this client does not support.");
        }

        if (finalMethod != OAuthWireNames.AuthMethodNone && string.IsNullOrEmpty(registered.ClientSecret))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                $"The registration response requires '{finalMethod}' but returned no client_secret.");
        }

        if (request.RedirectUri is { } redirect && registered.RedirectUris is { Count: > 0 } uris
            && !uris.Contains(redirect.OriginalString, StringComparer.Ordinal))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.RegistrationFailed,
                "The registration response replaced the redirect URI, so the authorization response could never be received.");
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.ClientRegistered(SafeText.Escape(registered.ClientId), endpoint);
        }
        return new ClientRegistration
        {
            ClientId = registered.ClientId,
            ClientSecret = finalMethod == OAuthWireNames.AuthMethodNone ? null : registered.ClientSecret,
            TokenEndpointAuthMethod = finalMethod,
            Issuer = request.Issuer,
            RedirectUris = RedirectUrisOf(request),
            Kind = ClientRegistrationKind.Dynamic,
        };
    }

    private static IReadOnlyList<string> RedirectUrisOf(ClientRegistrationRequest request) =>
        request.RedirectUri is { } redirect ? [redirect.OriginalString] : [];

    /// <summary><c>none</c> when the server takes it (or says nothing), else a secret method it lists.</summary>
    private static string PreferredDynamicMethod(AuthorizationServerDocument server)
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

    private static string ChooseSecretMethod(string? secret, AuthorizationServerDocument server)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return OAuthWireNames.AuthMethodNone;
        }

        IReadOnlyList<string>? supported = server.TokenEndpointAuthMethodsSupported;
        return supported is not null && !supported.Contains(OAuthWireNames.AuthMethodClientSecretBasic)
            && supported.Contains(OAuthWireNames.AuthMethodClientSecretPost)
            ? OAuthWireNames.AuthMethodClientSecretPost
            : OAuthWireNames.AuthMethodClientSecretBasic;
    }

    /// <summary>AUTH-20 / CIMD §3: https, a path, no fragment, no userinfo, no dot segments.</summary>
    internal static void ValidateMetadataDocumentUri(Uri uri)
    {
        string original = uri.OriginalString;
        bool valid = uri.IsAbsoluteUri
            && uri.Scheme == Uri.UriSchemeHttps
            && string.IsNullOrEmpty(uri.UserInfo)
            && !original.Contains('#', StringComparison.Ordinal)
            && uri.AbsolutePath.Length > 1
            && !original.Contains("/./", StringComparison.Ordinal)
            && !original.Contains("/../", StringComparison.Ordinal)
            && !original.EndsWith("/.", StringComparison.Ordinal)
            && !original.EndsWith("/..", StringComparison.Ordinal);
        if (!valid)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsecureEndpoint,
                "The Client ID Metadata Document URL must be https with a path, and have no fragment, userinfo or dot segments.");
        }
    }
}
