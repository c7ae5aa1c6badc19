namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>
/// A clock for the fake server: the time stands still, retry back-offs (timers under ten seconds) fire at once, and call
/// timeouts (thirty seconds) never fire, so a 503 costs the retries but no waiting, and the watchdog alone decides what hangs.
/// </summary>
internal sealed class InstantRetryTime : TimeProvider
{
    private static readonly TimeSpan Instant = TimeSpan.FromSeconds(10);

    public static DateTimeOffset Now { get; } = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime >= TimeSpan.Zero && dueTime < Instant)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.callback(s.state), (callback, state), preferLocal: false);
        }

        return new IdleTimer();
    }

    private sealed class IdleTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
