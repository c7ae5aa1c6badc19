using System.Globalization;

namespace McpOAuth.Client.Internal;

/// <summary>The RFC 8628 device authorization grant, for hosts whose browser cannot reach a loopback redirect URI: the user code
/// is shown, and the token endpoint polled at the server's interval until approval, denial or expiry.</summary>
internal sealed class DeviceCodeFlow(
    McpOAuthOptions options,
    ClientRegistrations registrations,
    TokenEndpointClient tokenEndpoint,
    GrantCompletion completion,
    TimeProvider time)
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5); // RFC 8628 §3.5
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    public async Task<TokenSet> RunAsync(GrantRequest request, CancellationToken cancellationToken)
    {
        ResolvedServer resolved = request.Server;
        if (ServerSuitability.DeviceProblem(request.Issuer, resolved.Server) is { } problem)
        {
            throw problem;
        }

        Uri endpoint = UriPolicy.RequireSecureEndpoint(resolved.Server.DeviceAuthorizationEndpoint, resolved.AllowHttp, "device authorization endpoint");
        options.OnProgress?.Invoke(McpOAuthStage.Registering);
        ClientRegistration client = await registrations
            .GetAsync(request.Issuer, resolved.Server, resolved.AllowHttp, redirectUri: null, deviceAuthorization: true, request.Scopes.ForRegistration(), cancellationToken)
            .ConfigureAwait(false);
        var context = new AuthorizationContext(request.Issuer, resolved.Server, client, options.ResourceParameterFor(request.Resource));
        try
        {
            DeviceAuthorizationResponse device = await ResourceRejection.WhenRejectedAsync(
                context.ResourceParameter,
                () => tokenEndpoint.RequestDeviceAuthorizationAsync(
                    endpoint,
                    registrations.AuthenticationOf(client),
                    request.Scopes.ParameterFor(client),
                    context.ResourceParameter,
                    options.AdditionalAuthorizationParameters,
                    cancellationToken)).ConfigureAwait(false);
            (TimeSpan lifetime, DateTimeOffset expiresAt) = await ShowAsync(device, resolved.AllowHttp, cancellationToken).ConfigureAwait(false);

            DpopSession? dpop = options.UseDpop || request.DemandsDpop ? request.Session.Current?.Dpop ?? DpopSession.Create(time) : null;
            TokenRequestContext tokenRequest = context.TokenRequest(request.Resource, request.Scopes.Requested, dpop, options.Client.ClientAssertionKey);
            TokenSet tokens = await PollAsync(tokenRequest, device, lifetime, expiresAt, cancellationToken).ConfigureAwait(false);
            return await completion.CompleteAsync(request.Session, tokens, dpop, context, request.Server.Endpoint, request.Scopes.Requested, reacquire: null, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.InvalidClient)
        {
            // REF-10: the server forgot a registered client; one fresh registration may fix it.
            await registrations.DropDeadClientAsync(request.Session, client, cancellationToken).ConfigureAwait(false);
            throw client.Kind == ClientRegistrationKind.Dynamic && request.ReuseKnownClient ? new StaleRegistrationException(ex) : ex;
        }
    }

    /// <summary>Checks the verification URL like any authorization URL (AUTH-46) and shows it with the user code.</summary>
    private async Task<(TimeSpan Lifetime, DateTimeOffset ExpiresAt)> ShowAsync(DeviceAuthorizationResponse device, bool allowHttp, CancellationToken cancellationToken)
    {
        if (!UriPolicy.TryParseAbsolute(device.VerificationUri, out Uri verification) || !UriPolicy.IsSecure(verification, allowHttp))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InsecureEndpoint, "The device verification URL is not https (or http to loopback).");
        }

        Uri? complete = UriPolicy.TryParseAbsolute(device.VerificationUriComplete, out Uri c) && UriPolicy.IsSecure(c, allowHttp) ? c : null;
        TimeSpan lifetime = device.ExpiresIn is > 0 and var seconds
            ? TimeSpan.FromSeconds(Math.Min(seconds, MaxLifetime.TotalSeconds))
            : MaxLifetime;
        DateTimeOffset expiresAt = time.GetUtcNow() + lifetime;

        options.OnProgress?.Invoke(McpOAuthStage.WaitingForBrowser);
        var shown = new DeviceAuthorizationContext
        {
            UserCode = device.UserCode!,
            VerificationUri = verification,
            VerificationUriComplete = complete,
            ExpiresAt = expiresAt,
        };
        await HookRunner.RunAsync(ct => options.ShowDeviceCode!(shown, ct), lifetime, time, cancellationToken).ConfigureAwait(false);
        return (lifetime, expiresAt);
    }

    private async Task<TokenSet> PollAsync(
        TokenRequestContext tokenRequest,
        DeviceAuthorizationResponse device,
        TimeSpan lifetime,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        // A hostile interval such as 1e-300 must not turn polling into a tight loop: at least one second (RFC 8628 §3.5).
        TimeSpan interval = device.Interval is > 0 and var i ? TimeSpan.FromSeconds(Math.Clamp(i, 1, MaxInterval.TotalSeconds)) : DefaultInterval;
        while (true)
        {
            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            if (time.GetUtcNow() >= expiresAt)
            {
                throw new McpOAuthAuthorizationException(McpOAuthErrorCode.Timeout, "The device code expired before the sign-in was approved.");
            }

            try
            {
                return await tokenEndpoint.PollDeviceCodeAsync(tokenRequest, device.DeviceCode!, cancellationToken).ConfigureAwait(false);
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.AuthorizationPending)
            {
                // Keep polling at the same interval.
            }
            catch (McpOAuthException ex) when (ex.Error == OAuthWireNames.SlowDown)
            {
                interval += SlowDownStep;
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
