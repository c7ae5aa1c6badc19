using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The MCP registration order (AUTH-17): pre-registered, then a Client ID Metadata Document, then RFC 7591 dynamic
/// registration, with dynamic registrations cached per issuer and redirect URI.
/// </summary>
internal sealed class DefaultClientRegistrar : IClientRegistrar
{
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
            UriPolicy.RequireClientMetadataDocumentUri(documentUri);
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

            ClientRegistration registered = await DynamicClientRegistration.RegisterAsync(_backchannel, request, _logger, cancellationToken).ConfigureAwait(false);
            _dynamic[cacheKey] = registered;
            return registered;
        }

        throw new McpOAuthException(
            McpOAuthErrorCode.ClientRegistrationRequired,
            $"The authorization server '{SafeText.Escape(request.Issuer)}' offers no way to register this client (no registration endpoint and no usable Client ID Metadata Document). Register a client with it (redirect URI http://127.0.0.1/callback) and configure it: McpOAuthOptions.Client.ClientId with Client.Issuer (mcp-oauth: --client-id ID --issuer {SafeText.Escape(request.Issuer)}; add --client-secret-env VAR for a confidential client).");
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

    internal static IReadOnlyList<string> RedirectUrisOf(ClientRegistrationRequest request) =>
        request.RedirectUri is { } redirect ? [redirect.OriginalString] : [];

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
}
