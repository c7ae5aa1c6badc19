using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace McpOAuth.Client.Internal;

/// <summary>
/// The last failed sign-in per partition and MCP server origin (the key of <see cref="OriginGates"/>). Callers that were already
/// waiting on the gate when it failed get the same error instead of each starting one more discovery or browser page (LOAD-01,
/// T24); a declined consent (<c>access_denied</c>) is not asked again until <see cref="DenialCooldown"/> has passed (SCOPE-02).
/// An explicit sign-in is the application asking again: it forgets the failure.
/// </summary>
internal sealed class SignInFailures(TimeProvider time)
{
    /// <summary>How long a declined consent keeps requests from opening another browser page.</summary>
    public static readonly TimeSpan DenialCooldown = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Failure> _failures = new(StringComparer.OrdinalIgnoreCase);
    private long _arrivals;

    /// <summary>Numbers a caller before it waits on the gate, so it can tell a failure it was queued behind from a later one.</summary>
    public long Arrive() => Interlocked.Increment(ref _arrivals);

    /// <summary>Runs a sign-in for a URL, or throws the failure this caller shares; remembers a new failure, forgets on success.</summary>
    /// <param name="requestUri">The challenged URL (its origin is the key).</param>
    /// <param name="arrival">The caller's number from <see cref="Arrive"/>, or null for an explicit sign-in, which always runs.</param>
    /// <param name="signIn">The sign-in.</param>
    public async Task<TokenSet> RunAsync(Uri requestUri, long? arrival, Func<Task<TokenSet>> signIn)
    {
        if (arrival is { } number)
        {
            ThrowIfShared(requestUri, number);
        }

        try
        {
            TokenSet tokens = await signIn().ConfigureAwait(false);
            _failures.TryRemove(KeyOf(requestUri), out _);
            return tokens;
        }
        catch (McpOAuthException ex)
        {
            Remember(requestUri, ex);
            throw;
        }
    }

    /// <summary>Throws the remembered failure when this caller was waiting while it happened, or when it was a denial still cooling.</summary>
    private void ThrowIfShared(Uri requestUri, long arrival)
    {
        if (_failures.TryGetValue(KeyOf(requestUri), out Failure? failure)
            && (arrival <= failure.LastArrival || (failure.Denied && time.GetUtcNow() - failure.At < DenialCooldown)))
        {
            ExceptionDispatchInfo.Throw(failure.Error);
        }
    }

    private void Remember(Uri requestUri, McpOAuthException error)
    {
        if (error is McpOAuthSignInRequiredException)
        {
            return; // A hosted sign-in was started, not refused: every request gets its own answer.
        }

        bool denied = error.Code == McpOAuthErrorCode.AuthorizationDenied
            && (error.Error == OAuthWireNames.AccessDenied || (error.InnerException as McpOAuthException)?.Error == OAuthWireNames.AccessDenied);
        _failures[KeyOf(requestUri)] = new Failure(error, Interlocked.Read(ref _arrivals), time.GetUtcNow(), denied);
    }

    private static string KeyOf(Uri uri) => McpOAuthPartition.Current + "\n" + UriPolicy.Origin(uri);

    private sealed record Failure(McpOAuthException Error, long LastArrival, DateTimeOffset At, bool Denied);
}
