using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>Token requests (RFC 6749 §4.1.3, §6) with client authentication and strict response validation.</summary>
internal sealed class TokenEndpointClient
{
    private const long MaxExpiresInSeconds = int.MaxValue;

    private readonly Backchannel _backchannel;
    private readonly ILogger _logger;

    public TokenEndpointClient(Backchannel backchannel, ILogger logger)
    {
        _backchannel = backchannel;
        _logger = logger;
    }

    public Task<TokenSet> ExchangeCodeAsync(
        TokenRequestContext context,
        string code,
        string codeVerifier,
        Uri redirectUri,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.AuthorizationCodeGrant),
            new(OAuthWireNames.Code, code),
            new(OAuthWireNames.RedirectUri, redirectUri.OriginalString),
            new(OAuthWireNames.CodeVerifier, codeVerifier),
        };
        return RequestAsync(context, form, OAuthWireNames.AuthorizationCodeGrant, previousRefreshToken: null, cancellationToken);
    }

    public Task<TokenSet> RefreshAsync(TokenRequestContext context, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.RefreshTokenGrant),
            new(OAuthWireNames.RefreshToken, refreshToken),
        };
        if (context.Scopes.Count > 0)
        {
            form.Add(new(OAuthWireNames.Scope, string.Join(' ', context.Scopes)));
        }

        return RequestAsync(context, form, OAuthWireNames.RefreshTokenGrant, refreshToken, cancellationToken);
    }

    /// <summary>RFC 8628 §3.1: asks for a device code and a user code.</summary>
    public async Task<DeviceAuthorizationResponse> RequestDeviceAuthorizationAsync(
        Uri endpoint,
        ClientRegistration client,
        IReadOnlyList<string> scopes,
        string? resource,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (scopes.Count > 0)
        {
            form.Add(new(OAuthWireNames.Scope, string.Join(' ', scopes)));
        }

        if (resource is not null)
        {
            form.Add(new(OAuthWireNames.Resource, resource));
        }

        AuthenticationHeaderValue? authorization = AddClientAuthentication(client, form);
        BackchannelResponse response = await _backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        DeviceAuthorizationResponse? body = null;
        if (response.IsJson && response.Body.Length > 0)
        {
            try
            {
                body = JsonSerializer.Deserialize(response.Body, McpOAuthJsonContext.Default.DeviceAuthorizationResponse);
            }
            catch (JsonException)
            {
                body = null;
            }
        }

        if (!response.IsSuccess || body?.Error is not null)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.TokenRequestFailed,
                $"The device authorization request failed with HTTP {(int)response.StatusCode} {SafeText.Escape(body?.Error)}: {SafeText.Escape(body?.ErrorDescription)}")
            {
                Error = body?.Error,
                ErrorDescription = body?.ErrorDescription,
            };
        }

        if (body is null || string.IsNullOrEmpty(body.DeviceCode) || string.IsNullOrEmpty(body.UserCode) || body.VerificationUri is null)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                "The device authorization response lacks device_code, user_code or verification_uri.");
        }

        return body;
    }

    /// <summary>RFC 8628 §3.4: one poll of the token endpoint with the device code.</summary>
    public Task<TokenSet> PollDeviceTokenAsync(TokenRequestContext context, string deviceCode, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.DeviceCodeGrant),
            new(OAuthWireNames.DeviceCode, deviceCode),
        };
        return RequestAsync(context, form, OAuthWireNames.DeviceCodeGrant, previousRefreshToken: null, cancellationToken);
    }

    /// <summary>RFC 7009 revocation; <c>unsupported_token_type</c> counts as done. Returns null on success, else why not.</summary>
    public async Task<string?> RevokeAsync(Uri endpoint, ClientRegistration client, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.Token, token),
            new(OAuthWireNames.TokenTypeHint, tokenTypeHint),
        };
        AuthenticationHeaderValue? authorization = AddClientAuthentication(client, form);
        BackchannelResponse response = await _backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return null;
        }

        OAuthErrorResponse? error = null;
        if (response.IsJson && response.Body.Length > 0)
        {
            try
            {
                error = JsonSerializer.Deserialize(response.Body, McpOAuthJsonContext.Default.OAuthErrorResponse);
            }
            catch (JsonException)
            {
                error = null;
            }
        }

        return error?.Error == "unsupported_token_type"
            ? null
            : $"HTTP {(int)response.StatusCode} {SafeText.Escape(error?.Error)}";
    }

    private async Task<TokenSet> RequestAsync(
        TokenRequestContext context,
        List<KeyValuePair<string, string>> form,
        string grantType,
        string? previousRefreshToken,
        CancellationToken cancellationToken)
    {
        if (context.Resource is not null)
        {
            form.Add(new(OAuthWireNames.Resource, context.Resource));
        }

        AuthenticationHeaderValue? authorization = AddClientAuthentication(context.Client, form);
        BackchannelResponse response = await _backchannel
            .PostFormAsync(context.TokenEndpoint, form, authorization, cancellationToken)
            .ConfigureAwait(false);

        TokenEndpointResponse? body = null;
        if (response.IsJson && response.Body.Length > 0)
        {
            try
            {
                body = JsonSerializer.Deserialize(response.Body, McpOAuthJsonContext.Default.TokenEndpointResponse);
            }
            catch (JsonException ex) when (response.IsSuccess)
            {
                throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response is not valid JSON.", ex);
            }
            catch (JsonException)
            {
                body = null;
            }
        }

        // RFC 6749 §5.2; TOK-04: an error body is an error even under HTTP 200.
        if (!response.IsSuccess || body?.Error is not null)
        {
            throw Error(response, body, grantType);
        }

        if (body is null)
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response is not JSON.");
        }

        TokenSet tokens = Validate(body, context, previousRefreshToken);
        _logger.TokenIssued(grantType);
        return tokens;
    }

    private TokenSet Validate(TokenEndpointResponse body, TokenRequestContext context, string? previousRefreshToken)
    {
        if (string.IsNullOrEmpty(body.AccessToken) || !IsB64Token(body.AccessToken))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has no usable access_token.");
        }

        // TOK-01: Bearer only, compared case-insensitively (RFC 6749 §5.1).
        if (!string.Equals(body.TokenType, OAuthWireNames.Bearer, StringComparison.OrdinalIgnoreCase))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                $"The token response has token_type '{SafeText.Escape(body.TokenType)}'; only Bearer is supported.");
        }

        if (body.RefreshToken is not null && (body.RefreshToken.Length == 0 || !IsB64Token(body.RefreshToken)))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unusable refresh_token.");
        }

        DateTimeOffset now = _backchannel.Time.GetUtcNow();
        DateTimeOffset? expiresAt = ParseExpiry(body.ExpiresIn, now);
        IReadOnlyList<string> scopes = body.Scope is { } granted
            ? granted.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : context.Scopes;

        return new TokenSet
        {
            AccessToken = body.AccessToken,
            TokenType = OAuthWireNames.Bearer,
            RefreshToken = body.RefreshToken ?? previousRefreshToken, // REF-03: keep the old one when none is returned.
            ObtainedAt = now,
            ExpiresAt = expiresAt,
            Scopes = scopes,
            Resource = context.ResourceKey,
            Issuer = context.Client.Issuer,
            ClientId = context.Client.ClientId,
        };
    }

    /// <summary>TOK-03: numbers or numeric strings; capped; zero or negative means already expired; anything else is refused.</summary>
    private static DateTimeOffset? ParseExpiry(JsonElement? value, DateTimeOffset now)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        double seconds;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double number))
        {
            seconds = number;
        }
        else if (element.ValueKind == JsonValueKind.String
            && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            seconds = parsed;
        }
        else
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unreadable expires_in.");
        }

        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unreadable expires_in.");
        }

        if (seconds <= 0)
        {
            return now;
        }

        return now.AddSeconds(Math.Min(seconds, MaxExpiresInSeconds));
    }

    private static AuthenticationHeaderValue? AddClientAuthentication(ClientRegistration client, List<KeyValuePair<string, string>> form)
    {
        switch (client.TokenEndpointAuthMethod)
        {
            case OAuthWireNames.AuthMethodClientSecretBasic when client.ClientSecret is not null:
                // RFC 6749 §2.3.1: each part form-url-encoded before the Base64 of "id:secret".
                string credentials = FormEncode(client.ClientId) + ":" + FormEncode(client.ClientSecret);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            case OAuthWireNames.AuthMethodClientSecretPost when client.ClientSecret is not null:
                form.Add(new(OAuthWireNames.ClientId, client.ClientId));
                form.Add(new(OAuthWireNames.ClientSecret, client.ClientSecret));
                return null;
            default:
                form.Add(new(OAuthWireNames.ClientId, client.ClientId));
                return null;
        }
    }

    /// <summary>application/x-www-form-urlencoded, with spaces as '+' (RFC 6749 Appendix B).</summary>
    internal static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>RFC 6750 §2.1 b64token: no whitespace or control characters can reach an Authorization header.</summary>
    private static bool IsB64Token(string value)
    {
        foreach (char c in value)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '~' or '+' or '/' or '=';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static McpOAuthException Error(BackchannelResponse response, TokenEndpointResponse? body, string grantType)
    {
        string? error = body?.Error;
        McpOAuthErrorCode code = error switch
        {
            OAuthWireNames.InvalidGrant => McpOAuthErrorCode.InvalidGrant,
            OAuthWireNames.InvalidClient or OAuthWireNames.UnauthorizedClient => McpOAuthErrorCode.InvalidClient,
            _ => McpOAuthErrorCode.TokenRequestFailed,
        };
        return new McpOAuthException(
            code,
            $"The token request ({grantType}) failed with HTTP {(int)response.StatusCode} {SafeText.Escape(error)}: {SafeText.Escape(body?.ErrorDescription)}")
        {
            Error = error,
            ErrorDescription = body?.ErrorDescription,
            ErrorUri = body?.ErrorUri,
        };
    }
}
