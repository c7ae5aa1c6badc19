using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Security;

/// <summary>An MCP request hook that holds the first requests until a given number have arrived, so that every one of them is
/// challenged before anyone has signed in (concurrent-caller cases: LOAD-01, SCOPE-02).</summary>
internal static class ChallengeBarrier
{
    public static Func<HttpContext, Task<bool>> HoldUntil(int count)
    {
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrivals = 0;
        return async _ =>
        {
            if (Interlocked.Increment(ref arrivals) == count)
            {
                allArrived.TrySetResult();
            }

            await allArrived.Task.WaitAsync(Integration.McpClientHarness.HangGuard);
            return false;
        };
    }
}
