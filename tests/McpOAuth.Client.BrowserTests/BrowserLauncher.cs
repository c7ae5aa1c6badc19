using Microsoft.Playwright;

namespace McpOAuth.Client.BrowserTests;

/// <summary>The library's <see cref="McpOAuthOptions.LaunchBrowser"/> hook, opening the authorization URL in the Playwright page.</summary>
/// <remarks>Like a real launcher it returns at once: the page loads in the background, and the browser follows the
/// authorization server's redirect to the library's loopback receiver by itself. The outcome is read with
/// <see cref="WaitForNavigationAsync"/>.</remarks>
internal sealed class BrowserLauncher(HeadlessChromium chromium)
{
    private readonly TaskCompletionSource<BrowserLaunchContext> _launched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IResponse?> _navigation = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _launchCount;

    public int LaunchCount => Volatile.Read(ref _launchCount);

    public ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _launchCount) == 1)
        {
            _launched.TrySetResult(context);
            _ = NavigateAsync(context.AuthorizationUri);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until the library has launched the browser, failing early if the request that signs in fails first.</summary>
    public async Task<BrowserLaunchContext> WaitForLaunchAsync(Task signIn)
    {
        Task first = await Task.WhenAny(_launched.Task, signIn).WaitAsync(HeadlessChromium.StepTimeout);
        if (first != _launched.Task)
        {
            await signIn; // Throws what went wrong before the browser step.
            throw new InvalidOperationException("The request completed without launching the browser.");
        }

        return await _launched.Task;
    }

    /// <summary>Waits for the page opened at launch to load; its response is the last one of the redirect chain.</summary>
    public Task<IResponse?> WaitForNavigationAsync() => _navigation.Task.WaitAsync(HeadlessChromium.StepTimeout * 2);

    private async Task NavigateAsync(Uri authorizationUri)
    {
        try
        {
            _navigation.TrySetResult(await chromium.Page.GotoAsync(authorizationUri.AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load }));
        }
        catch (Exception ex)
        {
            _navigation.TrySetException(ex);
        }
    }
}
