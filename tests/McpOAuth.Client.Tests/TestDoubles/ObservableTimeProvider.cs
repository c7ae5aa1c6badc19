using System.Threading.Channels;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each timer created, so a test can advance time exactly when the code under
/// test is waiting (a Polly retry delay, a timeout) instead of guessing.
/// </summary>
public sealed class ObservableTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public ObservableTimeProvider()
        : base(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer whose due time matches, skipping others; guarded by <see cref="TestTimeouts.Default"/>.</summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> match)
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            TimeSpan due = await _created.Reader.ReadAsync(guard.Token);
            if (match(due))
            {
                return due;
            }
        }
    }

    /// <summary>Waits for the next timer shorter than <paramref name="below"/> (a retry delay, not a timeout) and fires it.</summary>
    public async Task<TimeSpan> AdvanceToNextTimerAsync(TimeSpan below)
    {
        TimeSpan due = await NextTimerAsync(d => d < below);
        Advance(due);
        return due;
    }
}
