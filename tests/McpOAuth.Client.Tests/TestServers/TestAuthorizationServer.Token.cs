using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

public sealed partial class TestAuthorizationServer
{
    private async Task HandleTokenAsync(HttpContext context, RecordedRequest request)
    {
        var (error, client) = ValidateClientRequest(request);
        if (error is not null)
        {
            await WriteTokenEndpointErrorAsync(context, request, error);
            return;
        }

        var grantType = request.FormValue("grant_type");
        var result = grantType switch
        {
            "authorization_code" => RedeemAuthorizationCode(request, client!),
            "refresh_token" => RedeemRefreshToken(request, client!),
            "urn:ietf:params:oauth:grant-type:device_code" when Options.DeviceAuthorizationEnabled => RedeemDeviceCode(request, client!),
            null => OAuthError.InvalidRequest("grant_type required"),
            _ => new OAuthError(400, "unsupported_grant_type", null),
        };

        if (result is OAuthError oauthError)
        {
            await WriteTokenEndpointErrorAsync(context, request, oauthError);
            return;
        }

        var body = (JsonObject)result;
        Options.MutateTokenResponse?.Invoke(body);
        context.Response.Headers.Pragma = "no-cache";
        await WriteTokenEndpointBodyAsync(context, request, StatusCodes.Status200OK, body);
    }

    /// <summary>An error as GitHub sends it when asked to: with HTTP 200, and form-encoded without <c>Accept: application/json</c>.</summary>
    private async Task WriteTokenEndpointErrorAsync(HttpContext context, RecordedRequest request, OAuthError error)
    {
        if (!Options.TokenErrorsWithStatus200 && !Options.FormEncodedTokenResponsesUnlessJsonAccepted)
        {
            await WriteOAuthErrorAsync(context, error);
            return;
        }

        var body = new JsonObject { ["error"] = error.Error };
        if (error.Description is not null)
        {
            body["error_description"] = error.Description;
        }

        await WriteTokenEndpointBodyAsync(context, request, Options.TokenErrorsWithStatus200 ? StatusCodes.Status200OK : error.StatusCode, body);
    }

    private async Task WriteTokenEndpointBodyAsync(HttpContext context, RecordedRequest request, int statusCode, JsonObject body)
    {
        bool acceptsJson = request.HeaderValue("Accept")?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true;
        if (!Options.FormEncodedTokenResponsesUnlessJsonAccepted || acceptsJson)
        {
            await WriteJsonAsync(context, statusCode, body);
            return;
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/x-www-form-urlencoded; charset=utf-8";
        string form = string.Join('&', body.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value?.ToString() ?? string.Empty)));
        await context.Response.WriteAsync(form, context.RequestAborted);
    }

    private async Task HandleRevocationAsync(HttpContext context, RecordedRequest request)
    {
        // RFC 7009 §2.1: the client authenticates as at the token endpoint, private_key_jwt included.
        var (error, _) = AuthenticateClient(request, Options.TimeProvider.GetUtcNow());
        if (error is not null)
        {
            await WriteOAuthErrorAsync(context, error);
            return;
        }

        if (request.FormValue("token") is not { } token)
        {
            await WriteOAuthErrorAsync(context, OAuthError.InvalidRequest("token required"));
            return;
        }

        // RFC 7009 §2.2: unknown tokens are answered with 200 as well.
        RevokeToken(token);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Checks the request shape shared by /token and /revoke, then authenticates the client.</summary>
    private (OAuthError? Error, TestClientRegistration? Client) ValidateClientRequest(RecordedRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return (new OAuthError(405, "invalid_request", "POST required"), null);
        }

        if (request.ContentType is null
            || !request.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (OAuthError.InvalidRequest("application/x-www-form-urlencoded body required"), null);
        }

        if (request.Form.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } duplicate })
        {
            return (OAuthError.InvalidRequest($"'{duplicate}' repeated"), null);
        }

        return AuthenticateClient(request);
    }

    /// <summary>Authenticates per the client's registered method: none, client_secret_post or client_secret_basic.</summary>
    private (OAuthError? Error, TestClientRegistration? Client) AuthenticateClient(RecordedRequest request)
    {
        var formClientId = request.FormValue("client_id");
        var formSecret = request.FormValue("client_secret");
        string? basicClientId = null;
        string? basicSecret = null;
        var usedBasic = request.Authorization is { } authorization
            && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        if (usedBasic)
        {
            if (!TryDecodeBasic(request.Authorization!["Basic ".Length..].Trim(), out basicClientId, out basicSecret))
            {
                return (OAuthError.InvalidClient("malformed Basic credentials", basic: true), null);
            }

            if (formSecret is not null)
            {
                return (OAuthError.InvalidRequest("more than one client authentication method"), null);
            }

            if (formClientId is not null && !string.Equals(formClientId, basicClientId, StringComparison.Ordinal))
            {
                return (OAuthError.InvalidClient("client_id differs from the Basic credentials", basic: true), null);
            }
        }

        var clientId = basicClientId ?? formClientId;
        var client = clientId is null ? null : FindClient(clientId);
        if (client is null)
        {
            return (OAuthError.InvalidClient("unknown or missing client", usedBasic), null);
        }

        var authenticated = client.TokenEndpointAuthMethod switch
        {
            "none" => !usedBasic && formSecret is null,
            "client_secret_post" => !usedBasic && formSecret is not null && string.Equals(formSecret, client.ClientSecret, StringComparison.Ordinal),
            "client_secret_basic" => usedBasic && string.Equals(basicSecret, client.ClientSecret, StringComparison.Ordinal),
            _ => false,
        };

        return authenticated
            ? (null, client)
            : (OAuthError.InvalidClient($"client authentication failed (expected {client.TokenEndpointAuthMethod})", usedBasic || client.TokenEndpointAuthMethod == "client_secret_basic"), null);
    }

    /// <summary>Decodes RFC 7617 Basic credentials whose parts are form-url-encoded (RFC 6749 §2.3.1).</summary>
    private static bool TryDecodeBasic(string encoded, out string? clientId, out string? secret)
    {
        clientId = null;
        secret = null;
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        clientId = FormEncoding.Decode(text[..colon]);
        secret = FormEncoding.Decode(text[(colon + 1)..]);
        return true;
    }

    private object RedeemAuthorizationCode(RecordedRequest request, TestClientRegistration client)
    {
        if (request.FormValue("code") is not { } code)
        {
            return OAuthError.InvalidRequest("code required");
        }

        var now = Options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var grant))
            {
                return OAuthError.InvalidGrant("unknown code");
            }

            if (grant.Redeemed)
            {
                // RFC 6749 §4.1.2: a code used twice revokes what it produced.
                RevokeGrantLocked(grant.GrantId);
                return OAuthError.InvalidGrant("code already used");
            }

            // Any redemption attempt consumes the code.
            grant.Redeemed = true;
            if (!string.Equals(grant.ClientId, client.ClientId, StringComparison.Ordinal))
            {
                return OAuthError.InvalidGrant("code was issued to another client");
            }

            if (now >= grant.ExpiresAt)
            {
                return OAuthError.InvalidGrant("code expired");
            }

            var redirectUri = request.FormValue("redirect_uri");
            if (grant.RedirectUriWasSent
                ? !string.Equals(redirectUri, grant.RedirectUri, StringComparison.Ordinal)
                : redirectUri is not null && !string.Equals(redirectUri, grant.RedirectUri, StringComparison.Ordinal))
            {
                return OAuthError.InvalidGrant("redirect_uri does not match the authorization request");
            }

            var verifier = request.FormValue("code_verifier");
            if (grant.CodeChallenge is null)
            {
                if (verifier is not null)
                {
                    return OAuthError.InvalidGrant("code_verifier sent but no code_challenge was");
                }
            }
            else if (verifier is null)
            {
                return OAuthError.InvalidGrant("code_verifier required");
            }
            else if (!TestCrypto.IsValidVerifierOrChallenge(verifier)
                || !string.Equals(TestCrypto.S256(verifier), grant.CodeChallenge, StringComparison.Ordinal))
            {
                return OAuthError.InvalidGrant("PKCE verification failed");
            }

            if (ResourceDiffers(request, grant.Resource, "the authorization request") is { } differs)
            {
                return differs;
            }

            return IssueTokenResponseLocked(
                client.ClientId, grant.Resource, grant.Scope, "authorization_code", grant.GrantId, newRefreshToken: Options.IssueRefreshTokens && RefreshTokensFor(grant.GrantId));
        }
    }

    /// <summary>RFC 8707 §2.2: a <c>resource</c> on a token request must be the one <paramref name="granted"/>.</summary>
    private static OAuthError? ResourceDiffers(RecordedRequest request, string? granted, string grantedBy) =>
        request.FormValue("resource") is { } resource && !string.Equals(resource, granted, StringComparison.Ordinal)
            ? new OAuthError(400, "invalid_target", "resource differs from " + grantedBy)
            : null;

    private object RedeemRefreshToken(RecordedRequest request, TestClientRegistration client)
    {
        var now = Options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            if (FindIssuedLocked(request, "refresh_token", "refresh token", _refreshTokens, client, out var state) is { } refused)
            {
                return refused;
            }

            if (_revokedGrants.Contains(state.GrantId))
            {
                return OAuthError.InvalidGrant("refresh token revoked");
            }

            if (state.Rotated)
            {
                // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole family.
                Interlocked.Increment(ref _refreshTokenReuseCount);
                RevokeGrantLocked(state.GrantId);
                return OAuthError.InvalidGrant("refresh token reuse detected; grant revoked");
            }

            if (state.ExpiresAt is { } expiresAt && now >= expiresAt)
            {
                return OAuthError.InvalidGrant("refresh token expired");
            }

            if (ResourceDiffers(request, state.Resource, "the original grant") is { } differs)
            {
                return differs;
            }

            var scope = request.FormValue("scope");
            if (scope is not null && SplitScope(scope).Except(SplitScope(state.Scope), StringComparer.Ordinal).Any())
            {
                return new OAuthError(400, "invalid_scope", "scope exceeds the original grant");
            }

            var rotate = Options.RotateRefreshTokens;
            if (rotate)
            {
                state.Rotated = true;
            }

            var response = IssueTokenResponseLocked(client.ClientId, state.Resource, scope ?? state.Scope, "refresh_token", state.GrantId, newRefreshToken: rotate, refreshScope: state.Scope);
            return response;
        }
    }

    private JsonObject IssueTokenResponseLocked(
        string clientId, string? resource, string? scope, string grantType, string grantId, bool newRefreshToken, string? refreshScope = null)
    {
        var accessToken = IssueAccessTokenLocked(clientId, resource, scope, grantType, grantId);
        var response = new JsonObject
        {
            ["access_token"] = accessToken.Token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)Options.AccessTokenLifetime.TotalSeconds,
        };
        if (!string.IsNullOrEmpty(scope))
        {
            response["scope"] = scope;
        }

        if (newRefreshToken)
        {
            var refreshToken = NewTokenValue("rt-");
            _refreshTokens[refreshToken] = new RefreshTokenState
            {
                ClientId = clientId,
                Resource = resource,
                Scope = refreshScope ?? scope,
                GrantId = grantId,
                ExpiresAt = Options.RefreshTokenLifetime is { } lifetime ? accessToken.IssuedAt + lifetime : null,
            };
            response["refresh_token"] = refreshToken;
        }

        return response;
    }
}
