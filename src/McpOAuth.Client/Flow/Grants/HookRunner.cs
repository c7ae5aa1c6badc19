namespace McpOAuth.Client.Internal;

/// <summary>Runs an application hook (browser launch, device code display) bounded by a timeout: a hook that never returns must
/// not hold the gate forever.</summary>
internal static class HookRunner
{
    public static async Task RunAsync(Func<CancellationToken, ValueTask> hook, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        await hook(linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
    }
}
