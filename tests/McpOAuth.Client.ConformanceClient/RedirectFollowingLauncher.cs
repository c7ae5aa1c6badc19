using System.Net;

namespace McpOAuth.Client.ConformanceClient;

/// <summary>
/// Stands in for the user's browser: GETs the authorization URL without following redirects, checks that the 302 goes to
/// our own loopback redirect URI, and delivers it there. Nothing is ever sent to a URI nobody listens on.
/// </summary>
internal sealed class RedirectFollowingLauncher : IDisposable
{
    private readonly HttpClient _browser = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        using HttpResponseMessage authorize = await _browser.GetAsync(context.AuthorizationUri, cancellationToken);
        if (authorize.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.MovedPermanently or HttpStatusCode.TemporaryRedirect)
            || authorize.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"The authorization endpoint answered {(int)authorize.StatusCode} instead of a redirect.");
        }

        if (!location.IsAbsoluteUri)
        {
            location = new Uri(context.AuthorizationUri, location);
        }

        string expected = context.RedirectUri.GetLeftPart(UriPartial.Path);
        if (!string.Equals(location.GetLeftPart(UriPartial.Path), expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The authorization endpoint redirected somewhere other than the registered loopback redirect URI.");
        }

        // Deliver the response to the library's listener in the background, as a browser would; the flow awaits it.
        _ = DeliverAsync(location);
    }

    private async Task DeliverAsync(Uri location)
    {
        try
        {
            using HttpResponseMessage callback = await _browser.GetAsync(location);
        }
        catch (HttpRequestException)
        {
            // The listener decides the outcome; a broken page load changes nothing.
        }
        catch (TaskCanceledException)
        {
        }
    }

    public void Dispose() => _browser.Dispose();
}
