using System.Diagnostics;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// Benchmark 4: constant <c>tools/call</c> traffic from several workers over short-lived tokens (the authorization server
/// issues <c>expires_in</c> of one or two seconds, and rotates refresh tokens), counting 401s and refreshes. McpOAuth.Client
/// refreshes ahead of expiry (the skew is capped at half the token's lifetime), so no request should carry an expired token;
/// the SDK refreshes when its token has expired, so requests racing the expiry get a 401 first.
/// </summary>
internal static class ChurnScenario
{
    /// <summary>Runs constant traffic for <paramref name="duration"/>.</summary>
    /// <param name="kind">The OAuth client.</param>
    /// <param name="lifetime">The access token lifetime the authorization server issues.</param>
    /// <param name="duration">How long the traffic runs.</param>
    /// <param name="workers">How many callers send <c>tools/call</c> back to back.</param>
    /// <param name="refreshSkew">McpOAuth.Client's <see cref="McpOAuthOptions.RefreshSkew"/>; <see langword="null"/> for the default
    /// (60 s, capped at half the token's lifetime).</param>
    public static async Task<ChurnResult> RunAsync(OAuthClientKind kind, TimeSpan lifetime, TimeSpan duration, int workers, TimeSpan? refreshSkew = null)
    {
        await using var servers = await LoopbackServers.StartAsync(lifetime);
        using var browser = new BrowserStandIn();
        await using McpConnection connection = kind == OAuthClientKind.Sdk
            ? await McpConnection.ConnectSdkAsync(servers.McpUri, browser)
            : await McpConnection.ConnectOursAsync(servers.McpUri, browser, store: null, configure: o =>
            {
                if (refreshSkew is { } skew)
                {
                    o.RefreshSkew = skew;
                }
            });
        await connection.CallEchoAsync();

        ServerSnapshot before = servers.Snapshot();
        int calls = 0;
        int failures = 0;
        string? firstFailure = null;
        long start = Stopwatch.GetTimestamp();
        async Task WorkAsync()
        {
            while (Stopwatch.GetElapsedTime(start) < duration)
            {
                try
                {
                    await connection.CallEchoAsync();
                    Interlocked.Increment(ref calls);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, ex.GetType().Name + ": " + ex.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        RequestTally tally = servers.Since(before);
        int distinctRefreshTokens = tally.PresentedRefreshTokens.Distinct(StringComparer.Ordinal).Count();
        int maxPerRefreshToken = tally.PresentedRefreshTokens.Count == 0
            ? 0
            : tally.PresentedRefreshTokens.GroupBy(t => t, StringComparer.Ordinal).Max(g => g.Count());
        string client = kind == OAuthClientKind.Sdk ? "SDK built-in OAuth"
            : refreshSkew is { } configured ? $"McpOAuth.Client, RefreshSkew {configured.TotalMilliseconds:F0} ms"
            : "McpOAuth.Client (default RefreshSkew)";
        return new ChurnResult(
            client,
            lifetime.TotalSeconds,
            elapsed.TotalSeconds,
            workers,
            calls,
            failures,
            firstFailure,
            tally.McpUnauthorized,
            tally.TokenRefresh,
            distinctRefreshTokens,
            maxPerRefreshToken,
            servers.Authorization.RefreshTokenReuseCount,
            tally.ProtectedResourceMetadata + tally.AuthorizationServerMetadata,
            tally.Authorize);
    }
}

/// <summary>What one churn run saw at the servers.</summary>
internal sealed record ChurnResult(
    string Client,
    double TokenLifetimeSeconds,
    double Seconds,
    int Workers,
    int Calls,
    int FailedCalls,
    string? FirstFailure,
    int Unauthorized,
    int Refreshes,
    int DistinctRefreshTokens,
    int MaxRefreshesPerToken,
    int RefreshTokenReuses,
    int DiscoveryRequests,
    int Reauthorizations)
{
    /// <summary>Gets how many token lifetimes the run lasted: the expiries a client that never refreshed early would meet.</summary>
    public double TokenLifetimesElapsed => Seconds / TokenLifetimeSeconds;

    /// <summary>Gets the refresh requests per token that was refreshed: 1.0 when no token is refreshed twice.</summary>
    public double RefreshesPerExpiry => DistinctRefreshTokens == 0 ? 0 : (double)Refreshes / DistinctRefreshTokens;

    /// <summary>Gets the 401s per token lifetime elapsed.</summary>
    public double UnauthorizedPerExpiry => Unauthorized / Math.Max(1, Math.Floor(TokenLifetimesElapsed));
}
