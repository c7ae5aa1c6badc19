using System.Globalization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 8628 device authorization grant, for hosts whose browser cannot reach a loopback redirect URI.</summary>
internal sealed partial class McpOAuthProvider
{
    private static readonly TimeSpan DefaultDeviceInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxDeviceLifetime = TimeSpan.FromHours(1);

    private async Task<TokenSet> DeviceAuthorizeAsync(
        ServerSession session,
        string issuer,
        AuthorizationServerDocument server,
        IReadOnlyList<string> scopes,
        IReadOnlyList<string> scopeParameter,
        string resource,
        bool allowHttp,
        CancellationToken cancellationToken)
    {
        if (server.DeviceAuthorizationEndpoint is null)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.DeviceAuthorizationUnsupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not offer device authorization (no device_authorization_endpoint); sign in with a browser instead.");
        }

        Uri endpoint = UriPolicy.RequireSecureEndpoint(server.DeviceAuthorizationEndpoint, allowHttp, "device authorization endpoint");
        _options.OnProgress?.Invoke(McpOAuthStage.Registering);
        ClientRegistration client = await _registrar.GetRegistrationAsync(
            new ClientRegistrationRequest
            {
                Issuer = issuer,
                AuthorizationServer = server,
                DeviceAuthorization = true,
                Options = _options.Client,
                AllowHttpOnLoopback = allowHttp,
            },
            cancellationToken).ConfigureAwait(false);

        string? resourceParameter = _options.SendResourceParameter ? resource : null;
        DeviceAuthorizationResponse device = await _tokens
            .RequestDeviceAuthorizationAsync(endpoint, new ClientAuthentication(client), scopeParameter, resourceParameter, cancellationToken)
            .ConfigureAwait(false);

        // The verification URL is shown to the user and may be opened: the same rules as any authorization URL (AUTH-46).
        if (!UriPolicy.TryParseAbsolute(device.VerificationUri, out Uri verification) || !UriPolicy.IsSecure(verification, allowHttp))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InsecureEndpoint, "The device verification URL is not https (or http to loopback).");
        }

        Uri? complete = UriPolicy.TryParseAbsolute(device.VerificationUriComplete, out Uri c) && UriPolicy.IsSecure(c, allowHttp) ? c : null;
        DateTimeOffset now = _time.GetUtcNow();
        TimeSpan lifetime = device.ExpiresIn is > 0 and var seconds
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxDeviceLifetime.TotalSeconds))
            : MaxDeviceLifetime;
        DateTimeOffset expiresAt = now + lifetime;
        TimeSpan interval = device.Interval is > 0 and var i ? TimeSpan.FromSeconds(Math.Min(i, 60)) : DefaultDeviceInterval;

        _options.OnProgress?.Invoke(McpOAuthStage.WaitingForBrowser);
        var shown = new DeviceAuthorizationContext
        {
            UserCode = device.UserCode!,
            VerificationUri = verification,
            VerificationUriComplete = complete,
            ExpiresAt = expiresAt,
        };
        await RunHookAsync(ct => _options.ShowDeviceCode!(shown, ct), lifetime, cancellationToken).ConfigureAwait(false);

        var tokenRequest = new TokenRequestContext(new Uri(server.TokenEndpoint!), new ClientAuthentication(client), resourceParameter, resource, scopes);
        while (true)
        {
            await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            if (_time.GetUtcNow() >= expiresAt)
            {
                throw new McpOAuthAuthorizationException(McpOAuthErrorCode.Timeout, "The device code expired before the sign-in was approved.");
            }

            try
            {
                TokenSet tokens = await _tokens.PollDeviceCodeAsync(tokenRequest, device.DeviceCode!, cancellationToken).ConfigureAwait(false);
                session.Context = new AuthorizationContext(issuer, server, client, resourceParameter);
                session.RequestedScopes = scopes;
                await SaveAsync(session, tokens, cancellationToken).ConfigureAwait(false);
                _logger.AuthorizationCompleted(issuer);
                return tokens;
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.AuthorizationPending)
            {
                // Keep polling at the same interval.
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.SlowDown)
            {
                interval += TimeSpan.FromSeconds(5); // RFC 8628 §3.5
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.AccessDenied)
            {
                throw new McpOAuthAuthorizationException(McpOAuthErrorCode.AuthorizationDenied, "The sign-in was denied on the verification page.", ex);
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.ExpiredToken)
            {
                throw new McpOAuthAuthorizationException(
                    McpOAuthErrorCode.Timeout,
                    string.Create(CultureInfo.InvariantCulture, $"The device code expired before the sign-in was approved ({lifetime.TotalSeconds:0} s)."),
                    ex);
            }
        }
    }
}
