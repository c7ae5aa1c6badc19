using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
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

        AuthenticationHeaderValue? authorization = AddClientAuthentication(client, form, null, null);
        BackchannelResponse response = await _backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        DeviceAuthorizationResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.DeviceAuthorizationResponse);

        if (!response.IsSuccess || body?.Error is not null)
        {
            // LOG-02: the client secret travels in this request too; a server that echoes it must not put it in the error.
            string? error = Redact(body?.Error, form, client.ClientSecret);
            string? description = Redact(body?.ErrorDescription, form, client.ClientSecret);
            throw new McpOAuthException(
                McpOAuthErrorCode.TokenRequestFailed,
                $"The device authorization request failed with HTTP {(int)response.StatusCode} {Safe(error, form, client.ClientSecret)}: {Safe(description, form, client.ClientSecret)}")
            {
                Error = error,
                ErrorDescription = description,
            };
        }

        if (body is null || string.IsNullOrEmpty(body.DeviceCode) || string.IsNullOrEmpty(body.UserCode) || body.VerificationUri is null
            || body.UserCode.Length > 64 || body.UserCode.Any(char.IsControl))
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
        AuthenticationHeaderValue? authorization = AddClientAuthentication(client, form, null, null);
        BackchannelResponse response = await _backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return null;
        }

        OAuthErrorResponse? error = response.TryReadJson(McpOAuthJsonContext.Default.OAuthErrorResponse);

        return error?.Error == "unsupported_token_type"
            ? null
            : $"HTTP {(int)response.StatusCode} {Safe(error?.Error, form, client.ClientSecret)}";
    }

    /// <summary>Any grant's token request: the base form plus resource and client authentication, with a DPoP proof when the
    /// context has a key, retried once with the server's nonce on <c>use_dpop_nonce</c> (RFC 9449 §8).</summary>
    internal async Task<TokenSet> RequestAsync(
        TokenRequestContext context,
        List<KeyValuePair<string, string>> baseForm,
        string grantType,
        string? previousRefreshToken,
        CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var form = new List<KeyValuePair<string, string>>(baseForm);
            if (context.Resource is not null)
            {
                form.Add(new(OAuthWireNames.Resource, context.Resource));
            }

            AuthenticationHeaderValue? authorization = AddClientAuthentication(context.Client, form, context.AssertionKey, context.Issuer);
            IReadOnlyList<KeyValuePair<string, string>>? headers = context.Dpop is { } dpop
                ? [new(OAuthWireNames.Dpop, dpop.CreateProof("POST", context.TokenEndpoint, accessToken: null, authorizationServer: true))]
                : null;
            BackchannelResponse response = await _backchannel
                .PostFormAsync(context.TokenEndpoint, form, authorization, cancellationToken, headers)
                .ConfigureAwait(false);

            TokenEndpointResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.TokenEndpointResponse);

            if (context.Dpop is not null && attempt == 0 && body?.Error == OAuthWireNames.UseDpopNonce && response.DpopNonce is { } nonce)
            {
                context.Dpop.RememberNonce(context.TokenEndpoint, nonce, authorizationServer: true);
                continue;
            }

            // RFC 6749 §5.2; TOK-04: an error body is an error even under HTTP 200.
            if (!response.IsSuccess || body?.Error is not null)
            {
                throw Error(response, body, grantType, form, context.Client.ClientSecret);
            }

            if (body is null)
            {
                throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response is not valid JSON.");
            }

            if (context.Dpop is not null && response.DpopNonce is { } fresh)
            {
                context.Dpop.RememberNonce(context.TokenEndpoint, fresh, authorizationServer: true);
            }

            TokenSet tokens = Validate(body, context, previousRefreshToken, form);
            _logger.TokenIssued(grantType);
            return tokens;
        }
    }

    /// <summary>RFC 8693 token exchange of an ID token for an ID-JAG at the enterprise identity provider (SEP-990).</summary>
    public async Task<string> ExchangeForIdJagAsync(
        Uri identityProviderTokenEndpoint,
        ClientRegistration identityProviderClient,
        string idToken,
        string audience,
        string? resource,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.TokenExchangeGrant),
            new("requested_token_type", OAuthWireNames.IdJagTokenType),
            new("audience", audience),
            new("subject_token", idToken),
            new("subject_token_type", OAuthWireNames.IdTokenTokenType),
        };
        if (resource is not null)
        {
            form.Add(new(OAuthWireNames.Resource, resource));
        }

        AuthenticationHeaderValue? authorization = AddClientAuthentication(identityProviderClient, form, null, null);
        BackchannelResponse response = await _backchannel
            .PostFormAsync(identityProviderTokenEndpoint, form, authorization, cancellationToken)
            .ConfigureAwait(false);
        TokenEndpointResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.TokenEndpointResponse);

        if (!response.IsSuccess || body?.Error is not null)
        {
            throw Error(response, body, OAuthWireNames.TokenExchangeGrant, form, identityProviderClient.ClientSecret);
        }

        if (body?.AccessToken is not { Length: > 0 } idJag || !IsB64Token(idJag)
            || (body.IssuedTokenType is { } issued && issued != OAuthWireNames.IdJagTokenType))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The identity provider did not return an ID-JAG.");
        }

        return idJag;
    }

    private TokenSet Validate(
        TokenEndpointResponse body,
        TokenRequestContext context,
        string? previousRefreshToken,
        IReadOnlyList<KeyValuePair<string, string>> sent)
    {
        if (string.IsNullOrEmpty(body.AccessToken) || !IsB64Token(body.AccessToken))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has no usable access_token.");
        }

        // TOK-01: Bearer, compared case-insensitively (RFC 6749 §5.1); DPoP only when a proof was sent (RFC 9449 §5).
        bool dpopBound = context.Dpop is not null && string.Equals(body.TokenType, OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase);
        if (!dpopBound && !string.Equals(body.TokenType, OAuthWireNames.Bearer, StringComparison.OrdinalIgnoreCase))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                $"The token response has token_type '{Safe(body.TokenType, sent, context.Client.ClientSecret)}'; only Bearer{(context.Dpop is null ? string.Empty : " and DPoP")} are supported.");
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
            TokenType = dpopBound ? OAuthWireNames.Dpop : OAuthWireNames.Bearer,
            DpopKey = dpopBound ? context.Dpop!.ExportKey() : null,
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
            && double.TryParse(StringOrNull(element), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
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

    /// <summary>The string, or null when it is not valid UTF-8: a deferred <see cref="JsonElement"/> is only transcoded here, and
    /// <see cref="JsonElement.GetString"/> throws <see cref="InvalidOperationException"/> for it (found by the fuzzer, issue 10).</summary>
    private static string? StringOrNull(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private AuthenticationHeaderValue? AddClientAuthentication(
        ClientRegistration client,
        List<KeyValuePair<string, string>> form,
        AsymmetricAlgorithm? assertionKey,
        string? audience)
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
            case OAuthWireNames.AuthMethodPrivateKeyJwt when assertionKey is not null && audience is not null:
                // RFC 7523 §2.2 / §3: iss = sub = client id, aud = the issuer, short-lived, unique jti.
                long now = _backchannel.Time.GetUtcNow().ToUnixTimeSeconds();
                var payload = new JsonObject
                {
                    ["iss"] = client.ClientId,
                    ["sub"] = client.ClientId,
                    ["aud"] = audience,
                    ["iat"] = now,
                    ["exp"] = now + 60,
                    ["jti"] = Jwt.NewJti(),
                };
                form.Add(new("client_assertion_type", OAuthWireNames.ClientAssertionTypeJwt));
                form.Add(new("client_assertion", Jwt.Sign(new JsonObject { ["typ"] = "JWT" }, payload, assertionKey)));
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

    private static McpOAuthException Error(
        BackchannelResponse response,
        TokenEndpointResponse? body,
        string grantType,
        IReadOnlyList<KeyValuePair<string, string>> sent,
        string? headerSecret)
    {
        string? error = body?.Error;
        McpOAuthErrorCode code = error switch
        {
            OAuthWireNames.InvalidGrant => McpOAuthErrorCode.InvalidGrant,
            // unauthorized_client is a grant-policy refusal, not a forgotten client: nothing is deleted for it.
            OAuthWireNames.InvalidClient => McpOAuthErrorCode.InvalidClient,
            _ => McpOAuthErrorCode.TokenRequestFailed,
        };

        // LOG-02: a server that echoes what it was sent must not put a secret into a message or a log.
        string? description = Redact(body?.ErrorDescription, sent, headerSecret);
        return new McpOAuthException(
            code,
            $"The token request ({grantType}) failed with HTTP {(int)response.StatusCode} {Safe(error, sent, headerSecret)}: {Safe(description, sent, headerSecret)}")
        {
            Error = Redact(error, sent, headerSecret),
            ErrorDescription = description,
            ErrorUri = Redact(body?.ErrorUri, sent, headerSecret),
        };
    }

    private static readonly string[] SecretFields =
    [
        OAuthWireNames.Code, OAuthWireNames.CodeVerifier, OAuthWireNames.RefreshToken, OAuthWireNames.ClientSecret,
        "client_assertion", OAuthWireNames.Assertion, OAuthWireNames.DeviceCode, "subject_token", OAuthWireNames.Token,
    ];

    /// <summary>Server text for a message: redacted, escaped, and redacted again, because escaping can rebuild a secret
    /// ("\u007f" + "ake-secret" escapes to "\u007fake-secret"; found by the fuzzer, issue 10).</summary>
    private static string Safe(string? text, IReadOnlyList<KeyValuePair<string, string>> sent, string? headerSecret) =>
        Redact(SafeText.Escape(Redact(text, sent, headerSecret)), sent, headerSecret)!;

    private static string? Redact(string? text, IReadOnlyList<KeyValuePair<string, string>> sent, string? headerSecret)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // A client_secret_basic secret travels in the Authorization header, not the form.
        if (headerSecret is { Length: >= 6 })
        {
            text = text.Replace(headerSecret, "[redacted]", StringComparison.Ordinal);
            text = text.Replace(FormEncode(headerSecret), "[redacted]", StringComparison.Ordinal);
        }

        foreach (KeyValuePair<string, string> field in sent)
        {
            if (field.Value.Length >= 6 && SecretFields.Contains(field.Key, StringComparer.Ordinal))
            {
                text = text.Replace(field.Value, "[redacted]", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
