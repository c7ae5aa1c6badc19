using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Answers a 401 or 403 under the server's gate: picks up what the store learned since (tokens another instance stored, a
/// write that failed before), asks <see cref="ChallengeTriage"/> what the challenge calls for, and carries it out: a nonce
/// retry, another caller's token, a refresh (when the issuer still serves the resource), or a sign-in or step-up.
/// </summary>
internal sealed class ChallengeAnswerer(
    SessionIndex sessions,
    StoreLoader loader,
    ServerResolver servers,
    TokenRenewer renewer,
    Authorizer authorizer,
    GrantCompletion completion,
    SignInFailures failures,
    Telemetry telemetry,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Numbers a caller before it waits on the gate (see <see cref="SignInFailures"/>).</summary>
    public long Arrive() => failures.Arrive();

    public async Task<TokenSet> AnswerAsync(McpOAuthChallenge challenge, long arrival, CancellationToken lifetime)
    {
        // A 401 is when tokens another process or instance stored since are picked up (never by polling per request).
        await loader.ReloadAsync(lifetime).ConfigureAwait(false);
        ServerSession? session = sessions.FindAny(challenge.RequestUri);
        if (session is not null)
        {
            await completion.RetryUnsavedAsync(session, lifetime).ConfigureAwait(false);
        }

        ChallengeDecision decision = ChallengeTriage.Decide(challenge, session, time.GetUtcNow());
        switch (decision.Action)
        {
            case ChallengeAction.RetryWithNonce:
                session!.Current!.Dpop!.RememberNonce(challenge.RequestUri, challenge.DpopNonce!, authorizationServer: false);
                return session.Current.Tokens;
            case ChallengeAction.UseCurrent:
                return session!.Tokens!;
            case ChallengeAction.RefreshThenAuthorize when await RefreshAsync(session!, challenge, lifetime).ConfigureAwait(false) is { } refreshed:
                return refreshed;
        }

        if (decision.Scopes is not null && challenge.StatusCode == 403 && logger.IsEnabled(LogLevel.Information))
        {
            logger.StepUpAuthorization(new Uri(UriPolicy.EndpointKey(challenge.RequestUri)), decision.Scopes.Count);
        }

        // LOAD-01, SCOPE-02: a caller queued behind a failed sign-in, or arriving while a denial cools down, shares that failure.
        return await failures.RunAsync(challenge.RequestUri, arrival, () => Telemetry.MeasureAsync(
            McpOAuthTelemetry.AuthorizeActivity,
            telemetry.AuthorizationDuration,
            challenge.RequestUri,
            time,
            () => authorizer.AuthorizeAsync(challenge, decision.Scopes, decision.BypassCache, lifetime))).ConfigureAwait(false);
    }

    /// <summary>AUTH-43: the rejected token refreshed once, but not when the resource now names another authorization server
    /// (AUTH-24); null when that did not give a token the server has not already refused.</summary>
    private async Task<TokenSet?> RefreshAsync(ServerSession session, McpOAuthChallenge challenge, CancellationToken lifetime)
    {
        TokenSet current = session.Tokens!;
        if (!await servers.IssuerStillServesAsync(challenge.RequestUri, challenge.ResourceMetadata, current.Issuer, lifetime).ConfigureAwait(false))
        {
            return null;
        }

        TokenSet? refreshed = await Telemetry.MeasureAsync(
            McpOAuthTelemetry.RefreshActivity,
            telemetry.RefreshDuration,
            challenge.RequestUri,
            time,
            () => renewer.RefreshAsync(session, current, lifetime)).ConfigureAwait(false);
        return refreshed is not null && !string.Equals(refreshed.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal)
            ? refreshed
            : null;
    }
}
