using System.Collections.Concurrent;

namespace McpOAuth.Client.Internal;

/// <summary>
/// One sign-in or renewal at a time per MCP server origin (REF-01, REF-13): a user taking minutes in the browser for one server
/// does not hold up refreshes for another, and endpoints of one server (say /sse and /messages) share their origin's gate. Work
/// runs on the provider's lifetime, not the caller's: a caller that gives up (an SDK's probe timeout, a cancelled request) must
/// not abort a sign-in the user is in the middle of, nor lose a rotated refresh token; the next caller waits and finds the
/// result.
/// </summary>
internal sealed class OriginGates : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    /// <summary>Waits for the URL's gate on the caller's token, runs the work on the provider's lifetime, and releases the gate
    /// when the work ends, not when the caller stops waiting.</summary>
    public async Task<T> RunAsync<T>(Uri uri, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = GateFor(uri);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<T> running;
        try
        {
            running = work(_lifetime.Token);
        }
        catch
        {
            gate.Release();
            throw;
        }

        _ = running.ContinueWith(
            static (task, state) =>
            {
                ((SemaphoreSlim)state!).Release();
                _ = task.Exception; // Observed: a caller that stopped waiting must not leave an unobserved fault behind.
            },
            gate,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs work under the URL's gate on the caller's own token (sign-in requested by the application, sign-out).</summary>
    public async Task<T> RunOwnedAsync<T>(Uri uri, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = GateFor(uri);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _lifetime.Cancel();
            _lifetime.Dispose();
        }
    }

    /// <summary>Per partition too: one user signing in does not hold up another user's refresh of the same server.</summary>
    private SemaphoreSlim GateFor(Uri uri) =>
        _gates.GetOrAdd(McpOAuthPartition.Current + "\n" + UriPolicy.Origin(uri), static _ => new SemaphoreSlim(1, 1));
}
