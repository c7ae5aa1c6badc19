using System.Diagnostics;

namespace McpOAuth.Client.Internal;

/// <summary>A span, a count and a duration per token endpoint request (issue 13, item 4). Every tag comes from a closed list:
/// the grant's short name, and an outcome that is <c>success</c>, a standard OAuth error code, or the library's error code. A
/// server's own <c>error</c> text never becomes a tag, so a hostile server cannot put a secret or unbounded cardinality there.</summary>
internal static class TokenRequestTelemetry
{
    /// <summary>The OAuth error codes that may appear as an outcome (RFC 6749 §5.2, RFC 8628 §3.5, RFC 8707 §2, RFC 9449 §7).</summary>
    private static readonly HashSet<string> KnownErrors = new(StringComparer.Ordinal)
    {
        "invalid_request", OAuthWireNames.InvalidClient, OAuthWireNames.InvalidGrant, OAuthWireNames.UnauthorizedClient,
        "unsupported_grant_type", "invalid_scope", "invalid_target", OAuthWireNames.AuthorizationPending, OAuthWireNames.SlowDown,
        OAuthWireNames.AccessDenied, OAuthWireNames.ExpiredToken, "invalid_dpop_proof", OAuthWireNames.UseDpopNonce,
        "server_error", "temporarily_unavailable",
    };

    /// <summary>The grant's short name: the <c>grant_type</c> sent, without its URN prefix.</summary>
    public static string GrantOf(string grantType) => grantType switch
    {
        OAuthWireNames.AuthorizationCodeGrant => OAuthWireNames.AuthorizationCodeGrant,
        OAuthWireNames.RefreshTokenGrant => OAuthWireNames.RefreshTokenGrant,
        OAuthWireNames.ClientCredentialsGrant => OAuthWireNames.ClientCredentialsGrant,
        OAuthWireNames.DeviceCodeGrant => OAuthWireNames.DeviceCode,
        OAuthWireNames.JwtBearerGrant => "jwt-bearer",
        OAuthWireNames.TokenExchangeGrant => "token-exchange",
        _ => "other",
    };

    /// <summary><c>success</c>; the OAuth error code when the server answered a known one; else the library's error code
    /// (<c>ServerUnreachable</c>, <c>Timeout</c>, <c>InvalidResponse</c>, <c>TokenRequestFailed</c>, …) or <c>canceled</c>.</summary>
    public static string OutcomeOf(Exception? error) => error switch
    {
        McpOAuthException { Error: { } code } when KnownErrors.Contains(code) => code,
        _ => Telemetry.OutcomeOf(error),
    };

    /// <summary>Runs one token request in a <see cref="McpOAuthTelemetry.TokenRequestActivity"/> span and records it in
    /// <see cref="McpOAuthTelemetry.TokenRequests"/> and <see cref="McpOAuthTelemetry.TokenRequestDuration"/>.</summary>
    public static async Task<T> MeasureAsync<T>(Telemetry telemetry, string grantType, Uri endpoint, TimeProvider time, Func<Task<T>> work)
    {
        string grant = GrantOf(grantType);
        using Activity? activity = Telemetry.Source.StartActivity(McpOAuthTelemetry.TokenRequestActivity, ActivityKind.Internal);
        activity?.SetTag("mcpoauth.grant_type", grant);
        activity?.SetTag("server.address", Telemetry.HostOf(endpoint));
        long start = time.GetTimestamp();
        Exception? failure = null;
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            string outcome = OutcomeOf(failure);
            var grantTag = new KeyValuePair<string, object?>("grant_type", grant);
            var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
            telemetry.TokenRequests.Add(1, grantTag, outcomeTag);
            telemetry.TokenRequestDuration.Record(time.GetElapsedTime(start).TotalSeconds, grantTag, outcomeTag);
            if (activity is not null && failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
                activity.SetTag("error.type", outcome);
            }
        }
    }
}
