namespace McpOAuth.Client.Tests.Security;

/// <summary>Lets calls finish (without observing their outcome) whose discovery GETs are retried (LOAD-02's budget): each short retry delay the library waits for
/// on the injected clock is fired at once, so a refused connection costs no real seconds. One per clock: it keeps at most one
/// read of the clock's timer feed pending, so no timer is lost between calls.</summary>
internal sealed class RetryClock(ObservableTimeProvider time)
{
    /// <summary>The longest delay the backchannel's retry waits; timeouts (30 s and up) are never advanced.</summary>
    private static readonly TimeSpan RetryDelays = TimeSpan.FromSeconds(10);

    private Task<TimeSpan>? _next;

    public ObservableTimeProvider Time => time;

    public async Task CompleteAsync(Task call)
    {
        using var guard = new CancellationTokenSource(TestTimeouts.Default);
        while (!call.IsCompleted)
        {
            if (_next is null || _next.IsFaulted || _next.IsCanceled)
            {
                _next = time.NextTimerAsync(d => d < RetryDelays);
            }

            if (await Task.WhenAny(call, _next).WaitAsync(guard.Token) == _next && _next.IsCompletedSuccessfully)
            {
                TimeSpan due = await _next;
                _next = null;
                time.Advance(due);
            }
        }

        await call.ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    /// <summary>Lets the call finish and returns the typed error it must end with.</summary>
    public async Task<McpOAuthException> FailureOfAsync(Task call)
    {
        await CompleteAsync(call);
        return (await FluentActions.Awaiting(() => call).Should().ThrowAsync<McpOAuthException>()).Which;
    }
}
