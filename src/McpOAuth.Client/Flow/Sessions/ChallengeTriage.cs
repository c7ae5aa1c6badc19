namespace McpOAuth.Client.Internal;

/// <summary>What a challenge calls for.</summary>
internal enum ChallengeAction
{
    /// <summary>RFC 9449 §9: remember the resource server's nonce and resend with a new proof; no new sign-in.</summary>
    RetryWithNonce,

    /// <summary>Another caller signed in or renewed meanwhile: use its token (REF-01, REF-13).</summary>
    UseCurrent,

    /// <summary>AUTH-43: refresh the rejected token once, if its issuer still serves the resource, then sign in if that fails.</summary>
    RefreshThenAuthorize,

    /// <summary>Sign in (or step up, AUTH-29) with the scopes given.</summary>
    Authorize,
}

/// <summary>The decision for one challenge.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Scopes">The scopes to sign in with; null for the configured or advertised ones.</param>
/// <param name="BypassCache">Whether discovery must fetch metadata again (a rejected token may mean the server moved).</param>
internal readonly record struct ChallengeDecision(ChallengeAction Action, IReadOnlyList<string>? Scopes = null, bool BypassCache = false);

/// <summary>
/// The decision table for a 401 or 403 challenge, given what the session holds: pure, so every row is unit-tested. It throws
/// when the challenge cannot be satisfied by asking again (AUTH-30, RS-10, RS-12).
/// </summary>
internal static class ChallengeTriage
{
    public static ChallengeDecision Decide(McpOAuthChallenge challenge, ServerSession? session, DateTimeOffset now)
    {
        TokenSet? current = session?.Tokens;
        bool rejectedIsCurrent = current is not null && string.Equals(current.AccessToken, challenge.RejectedAccessToken, StringComparison.Ordinal);

        if (challenge.Error == OAuthWireNames.UseDpopNonce && challenge.DpopNonce is not null && current?.DpopKey is not null && rejectedIsCurrent)
        {
            return new(ChallengeAction.RetryWithNonce);
        }

        if (current is not null && !rejectedIsCurrent && current.IsUsableAt(now, TimeSpan.Zero)
            && (challenge.StatusCode == 401 || ScopeSelection.IsSubset(challenge.Scopes, session!.RequestedScopes)))
        {
            return new(ChallengeAction.UseCurrent);
        }

        if (challenge.StatusCode == 403)
        {
            return StepUp(challenge, session);
        }

        // RS-10: a token from a sign-in that is rejected at once will not be fixed by signing in again.
        if (challenge.RejectedTokenIsNew
            && !string.Equals(challenge.RejectedAccessToken, session?.RefreshedAccessToken, StringComparison.Ordinal))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.AuthorizationLoop,
                $"{UriPolicy.EndpointKey(challenge.RequestUri)} rejected an access token that was just issued for it. If the authorization server issues tokens for another audience unless told which (Auth0 without an audience issues an opaque token), set it with McpOAuthOptions.AdditionalAuthorizationParameters, for example audience (mcp-oauth: --auth-param audience=<API identifier>); otherwise check which audience or resource the server accepts.");
        }

        IReadOnlyList<string>? scopes = challenge.Scopes.Count > 0 ? ScopeSelection.Union(session?.RequestedScopes ?? [], challenge.Scopes) : null;
        bool bypassCache = challenge.RejectedAccessToken is not null;

        // AUTH-43: a rejected token with a refresh token is refreshed once before any interactive flow, unless it came from a
        // refresh already.
        return current?.RefreshToken is not null && rejectedIsCurrent
            && !string.Equals(current.AccessToken, session!.RefreshedAccessToken, StringComparison.Ordinal)
            ? new(ChallengeAction.RefreshThenAuthorize, scopes, bypassCache)
            : new(ChallengeAction.Authorize, scopes, bypassCache);
    }

    /// <summary>AUTH-29 (SEP-2350): the scopes asked for before plus the challenged ones; a challenge that adds none cannot be
    /// satisfied by asking again (AUTH-30, RS-12).</summary>
    private static ChallengeDecision StepUp(McpOAuthChallenge challenge, ServerSession? session)
    {
        IReadOnlyList<string> previous = session?.RequestedScopes ?? [];
        if (challenge.Scopes.Count == 0 || (session?.Tokens is not null && ScopeSelection.IsSubset(challenge.Scopes, previous)))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsufficientScope,
                $"The MCP server requires scopes that authorization did not grant ({SafeText.Escape(string.Join(' ', challenge.Scopes))}); stopping rather than asking again.")
            {
                Error = challenge.Error,
            };
        }

        return new(ChallengeAction.Authorize, ScopeSelection.Union(previous, challenge.Scopes), BypassCache: false);
    }
}
