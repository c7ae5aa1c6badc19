using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Every request to an authorization server's token, device authorization and revocation endpoints: one typed method per
/// grant, with the wire form, client authentication (<see cref="ClientAuthentication"/>), DPoP proofs and the error answer
/// handled here and nowhere else (RFC 6749 §4.1.3, §4.4, §6; RFC 7523; RFC 8628; RFC 8693; RFC 7009; RFC 9449).
/// </summary>
/// <remarks>Each token request (every grant, and the ID-JAG exchange) is one <see cref="TokenRequestTelemetry"/> measurement.</remarks>
internal sealed class TokenEndpointClient(Backchannel backchannel, TimeProvider time, ILogger logger, Telemetry? telemetry = null)
{
    private readonly Telemetry _telemetry = telemetry ?? Telemetry.For(factory: null);

    /// <summary>RFC 6749 §4.1.3 with the RFC 7636 verifier.</summary>
    public Task<TokenSet> ExchangeCodeAsync(TokenRequestContext context, string code, string codeVerifier, Uri redirectUri, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            context,
            [
                new(OAuthWireNames.GrantType, OAuthWireNames.AuthorizationCodeGrant),
                new(OAuthWireNames.Code, code),
                new(OAuthWireNames.RedirectUri, redirectUri.OriginalString),
                new(OAuthWireNames.CodeVerifier, codeVerifier),
            ],
            OAuthWireNames.AuthorizationCodeGrant,
            previousRefreshToken: null,
            cancellationToken);

    /// <summary>RFC 6749 §6; a response without a new refresh token keeps the old one (REF-03).</summary>
    /// <param name="context">Where and as whom; its scopes are what the tokens carry when the response names none.</param>
    /// <param name="refreshToken">The refresh token.</param>
    /// <param name="scope">The <c>scope</c> to send, or null to send none: "as originally granted" (RFC 6749 §6).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<TokenSet> RefreshAsync(TokenRequestContext context, string refreshToken, IReadOnlyList<string>? scope, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            context,
            WithScope([new(OAuthWireNames.GrantType, OAuthWireNames.RefreshTokenGrant), new(OAuthWireNames.RefreshToken, refreshToken)], scope ?? []),
            OAuthWireNames.RefreshTokenGrant,
            refreshToken,
            cancellationToken);

    /// <summary>Whether the server still knows a client, asked before a user is sent to the browser: a code exchange with a code
    /// that was never issued is answered <c>invalid_client</c> when the client is unknown, and <c>invalid_grant</c> (or another
    /// error) when it is known (REF-10). Returns false when the answer says nothing either way.</summary>
    /// <param name="context">The token endpoint and the client, authenticated as for a real exchange.</param>
    /// <param name="redirectUri">The client's redirect URI, so a known client gets as far as the code check.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<bool> IsClientForgottenAsync(TokenRequestContext context, Uri redirectUri, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.AuthorizationCodeGrant),
            new(OAuthWireNames.Code, "never-issued-" + AuthorizationRequest.NewState()),
            new(OAuthWireNames.RedirectUri, redirectUri.OriginalString),
            new(OAuthWireNames.CodeVerifier, AuthorizationRequest.NewState()),
        };
        AuthenticationHeaderValue? authorization = context.Client.Apply(form, time);
        BackchannelResponse response = await backchannel.PostFormAsync(context.TokenEndpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        OAuthErrorResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.OAuthErrorResponse);
        return !response.IsSuccess && body?.Error == OAuthWireNames.InvalidClient;
    }

    /// <summary>RFC 8628 §3.4: one poll with the device code; <c>authorization_pending</c> and friends surface as errors.</summary>
    public Task<TokenSet> PollDeviceCodeAsync(TokenRequestContext context, string deviceCode, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            context,
            [new(OAuthWireNames.GrantType, OAuthWireNames.DeviceCodeGrant), new(OAuthWireNames.DeviceCode, deviceCode)],
            OAuthWireNames.DeviceCodeGrant,
            previousRefreshToken: null,
            cancellationToken);

    /// <summary>RFC 6749 §4.4: the client's own credentials.</summary>
    public Task<TokenSet> ClientCredentialsAsync(TokenRequestContext context, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            context,
            WithScope([new(OAuthWireNames.GrantType, OAuthWireNames.ClientCredentialsGrant)], context.Scopes),
            nameof(McpOAuthGrantType.ClientCredentials),
            previousRefreshToken: null,
            cancellationToken);

    /// <summary>RFC 7523 §2.1: a JWT (a workload token, or an ID-JAG) as the authorization grant.</summary>
    public Task<TokenSet> JwtBearerAsync(TokenRequestContext context, string assertion, string grantLabel, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            context,
            WithScope([new(OAuthWireNames.GrantType, OAuthWireNames.JwtBearerGrant), new(OAuthWireNames.Assertion, assertion)], context.Scopes),
            grantLabel,
            previousRefreshToken: null,
            cancellationToken);

    /// <summary>RFC 8628 §3.1: asks for a device code and a user code, authenticating the client as at the token endpoint.</summary>
    public async Task<DeviceAuthorizationResponse> RequestDeviceAuthorizationAsync(
        Uri endpoint,
        ClientAuthentication client,
        IReadOnlyList<string> scopes,
        string? resource,
        IEnumerable<KeyValuePair<string, string>> additionalParameters,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> form = WithScope([], scopes);
        if (resource is not null)
        {
            form.Add(new(OAuthWireNames.Resource, resource));
        }

        form.AddRange(additionalParameters); // Such as Auth0's audience (McpOAuthOptions.AdditionalAuthorizationParameters).

        AuthenticationHeaderValue? authorization = client.Apply(form, time);
        BackchannelResponse response = await backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        DeviceAuthorizationResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.DeviceAuthorizationResponse);
        if (!response.IsSuccess || body?.Error is not null)
        {
            throw ErrorOf(response, body, "device authorization request", form, client);
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

    /// <summary>RFC 8693 token exchange of an ID token for an ID-JAG at the enterprise identity provider (SEP-990).</summary>
    public Task<string> ExchangeForIdJagAsync(
        Uri identityProviderTokenEndpoint,
        ClientAuthentication identityProviderClient,
        string idToken,
        string audience,
        string? resource,
        CancellationToken cancellationToken) =>
        TokenRequestTelemetry.MeasureAsync(
            _telemetry,
            OAuthWireNames.TokenExchangeGrant,
            identityProviderTokenEndpoint,
            time,
            () => SendIdJagExchangeAsync(identityProviderTokenEndpoint, identityProviderClient, idToken, audience, resource, cancellationToken));

    private async Task<string> SendIdJagExchangeAsync(
        Uri identityProviderTokenEndpoint,
        ClientAuthentication identityProviderClient,
        string idToken,
        string audience,
        string? resource,
        CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.GrantType, OAuthWireNames.TokenExchangeGrant),
            new(OAuthWireNames.RequestedTokenType, OAuthWireNames.IdJagTokenType),
            new(OAuthWireNames.Audience, audience),
            new(OAuthWireNames.SubjectToken, idToken),
            new(OAuthWireNames.SubjectTokenType, OAuthWireNames.IdTokenTokenType),
        };
        if (resource is not null)
        {
            form.Add(new(OAuthWireNames.Resource, resource));
        }

        AuthenticationHeaderValue? authorization = identityProviderClient.Apply(form, time);
        BackchannelResponse response = await backchannel
            .PostFormAsync(identityProviderTokenEndpoint, form, authorization, cancellationToken)
            .ConfigureAwait(false);
        TokenEndpointResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.TokenEndpointResponse);
        if (!response.IsSuccess || body?.Error is not null)
        {
            throw ErrorOf(response, body, $"token request ({OAuthWireNames.TokenExchangeGrant})", form, identityProviderClient);
        }

        return TokenResponseReader.ReadIdJag(body);
    }

    /// <summary>RFC 7009 revocation; <c>unsupported_token_type</c> counts as done. Returns null on success, else why not.</summary>
    public async Task<string?> RevokeAsync(Uri endpoint, ClientAuthentication client, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(OAuthWireNames.Token, token),
            new(OAuthWireNames.TokenTypeHint, tokenTypeHint),
        };
        AuthenticationHeaderValue? authorization = client.Apply(form, time);
        BackchannelResponse response = await backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return null;
        }

        OAuthErrorResponse? error = response.TryReadJson(McpOAuthJsonContext.Default.OAuthErrorResponse);
        return error?.Error == OAuthWireNames.UnsupportedTokenType
            ? null
            : $"HTTP {(int)response.StatusCode} {OAuthErrors.Safe(error?.Error, form, client.Secret)}";
    }

    /// <summary>Any grant's token request, measured: one span, count and duration however many attempts it takes.</summary>
    private Task<TokenSet> RequestTokensAsync(
        TokenRequestContext context,
        List<KeyValuePair<string, string>> grantForm,
        string grantLabel,
        string? previousRefreshToken,
        CancellationToken cancellationToken) =>
        TokenRequestTelemetry.MeasureAsync(
            _telemetry,
            grantForm.First(p => p.Key == OAuthWireNames.GrantType).Value,
            context.TokenEndpoint,
            time,
            () => SendTokenRequestAsync(context, grantForm, grantLabel, previousRefreshToken, cancellationToken));

    /// <summary>The grant's form plus resource and client authentication, with a DPoP proof when the context has a key, retried
    /// once with the server's nonce on <c>use_dpop_nonce</c> (RFC 9449 §8).</summary>
    private async Task<TokenSet> SendTokenRequestAsync(
        TokenRequestContext context,
        List<KeyValuePair<string, string>> grantForm,
        string grantLabel,
        string? previousRefreshToken,
        CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            var form = new List<KeyValuePair<string, string>>(grantForm);
            if (context.Resource is not null)
            {
                form.Add(new(OAuthWireNames.Resource, context.Resource));
            }

            AuthenticationHeaderValue? authorization = context.Client.Apply(form, time);
            IReadOnlyList<KeyValuePair<string, string>>? headers = context.Dpop is { } dpop
                ? [new(OAuthWireNames.Dpop, dpop.CreateProof(HttpMethod.Post.Method, context.TokenEndpoint, accessToken: null, authorizationServer: true))]
                : null;
            BackchannelResponse response = await backchannel
                .PostFormAsync(context.TokenEndpoint, form, authorization, cancellationToken, headers)
                .ConfigureAwait(false);
            TokenEndpointResponse? body = response.TryReadJson(McpOAuthJsonContext.Default.TokenEndpointResponse);

            if (context.Dpop is not null && attempt == 0 && body?.Error == OAuthWireNames.UseDpopNonce && response.DpopNonce is { } nonce)
            {
                context.Dpop.RememberNonce(context.TokenEndpoint, nonce, authorizationServer: true);
                Activity.Current?.AddEvent(new ActivityEvent(OAuthWireNames.UseDpopNonce));
                continue;
            }

            // RFC 6749 §5.2; TOK-04: an error body is an error even under HTTP 200.
            if (!response.IsSuccess || body?.Error is not null)
            {
                throw ErrorOf(response, body, $"token request ({grantLabel})", form, context.Client);
            }

            if (body is null)
            {
                throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response is not valid JSON.");
            }

            if (context.Dpop is not null && response.DpopNonce is { } fresh)
            {
                context.Dpop.RememberNonce(context.TokenEndpoint, fresh, authorizationServer: true);
            }

            TokenSet tokens = TokenResponseReader.Read(body, context, previousRefreshToken, time.GetUtcNow(), form);
            logger.TokenIssued(grantLabel);
            return tokens;
        }
    }

    private static McpOAuthException ErrorOf(
        BackchannelResponse response,
        OAuthErrorResponse? body,
        string what,
        IReadOnlyList<KeyValuePair<string, string>> sent,
        ClientAuthentication client) =>
        OAuthErrors.FromResponse(
            response,
            body,
            McpOAuthErrorCode.TokenRequestFailed,
            what,
            sent,
            client.Secret);

    private static List<KeyValuePair<string, string>> WithScope(List<KeyValuePair<string, string>> form, IReadOnlyList<string> scopes)
    {
        if (scopes.Count > 0)
        {
            form.Add(new(OAuthWireNames.Scope, string.Join(' ', scopes)));
        }

        return form;
    }
}
