using System.Globalization;

namespace McpOAuth.Client.Internal;

/// <summary>Runs one Redis call with the store's timeout (from its <see cref="TimeProvider"/>), connecting first when needed, and
/// turns an unreachable, failing or slow Redis into <see cref="McpOAuthErrorCode.StoreUnavailable"/>. A caller's cancellation
/// passes through unwrapped.</summary>
/// <remarks>A call that timed out may still reach Redis later; its outcome is unknown, which is why every write is versioned.</remarks>
internal sealed class RedisExecutor(RedisConnection connection, TimeSpan timeout, TimeProvider time) : IAsyncDisposable
{
    public TimeProvider Time => time;

    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Task<T>? running = null;
        try
        {
            IConnectionMultiplexer multiplexer = await connection.GetAsync().WaitAsync(linked.Token).ConfigureAwait(false);
            running = call(multiplexer.GetDatabase());
            return await running.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Observe(running);
            throw new McpOAuthException(
                McpOAuthErrorCode.StoreUnavailable,
                string.Create(CultureInfo.InvariantCulture, $"The Redis token store did not answer within {timeout.TotalSeconds:0.###} seconds; nothing was deleted."));
        }
        catch (OperationCanceledException)
        {
            Observe(running);
            throw;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.StoreUnavailable,
                $"The Redis token store could not be used ({ex.GetType().Name}); nothing was deleted.",
                ex);
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    /// <summary>A call abandoned at its deadline must not leave an unobserved fault behind.</summary>
    private static void Observe(Task? running) =>
        running?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
