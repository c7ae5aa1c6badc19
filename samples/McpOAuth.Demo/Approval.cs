using System.Net;
using System.Text.RegularExpressions;
using McpOAuth.Client;

namespace McpOAuth.Demo;

/// <summary>The browser step: the real browser when there is one, otherwise the consent page is approved over HTTP.</summary>
internal sealed partial class Approval(bool useBrowser, DemoAuthorizationServer authorizationServer)
{
    /// <summary>How long the user has to click Approve before the demo approves on their behalf.</summary>
    public static readonly TimeSpan BrowserWait = TimeSpan.FromSeconds(60);

    /// <summary>Whether to open a real browser, and why: never with <c>--auto-approve</c>, in CI or without a terminal; then only
    /// when one can be found (<c>$BROWSER</c>, macOS, Windows, or a Linux display with <c>xdg-open</c>).</summary>
    public static (bool UseBrowser, string Description) Decide(bool autoApprove)
    {
        string? reason =
            autoApprove ? "--auto-approve"
            : string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? "CI=true"
            : Console.IsInputRedirected || Console.IsOutputRedirected ? "not run from a terminal"
            : !BrowserAvailable() ? "no browser found"
            : null;
        return reason is null
            ? (true, $"yours: click Approve on the consent page (after {BrowserWait.TotalSeconds:0} s the demo approves for you)")
            : (false, $"none ({reason}): the demo approves the consent page over HTTP, as a browser would");
    }

    private static bool BrowserAvailable()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("BROWSER")) || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows())
        {
            return true;
        }

        bool display = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        return display && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "xdg-open")));
    }

    /// <summary>The <see cref="McpOAuthOptions.LaunchBrowser"/> hook.</summary>
    public async ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        if (useBrowser)
        {
            Task decided = authorizationServer.NextDecisionAsync();
            Narrator.Line($"Opening your browser at {context.AuthorizationUri.GetLeftPart(UriPartial.Path)}: please click Approve.");
            try
            {
                await SystemBrowserLauncher.LaunchAsync(context, cancellationToken);
                await decided.WaitAsync(BrowserWait, cancellationToken);
                return; // The browser now follows the redirect to the library's loopback receiver.
            }
            catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.BrowserLaunchFailed)
            {
                Narrator.Line("The browser could not be started: approving automatically on your behalf.");
            }
            catch (TimeoutException)
            {
                Narrator.Line($"No answer in the browser within {BrowserWait.TotalSeconds:0} s: approving automatically on your behalf.");
            }
        }
        else
        {
            Narrator.Line("No browser available: approving automatically on your behalf.");
        }

        await ApproveOverHttpAsync(context, cancellationToken);
    }

    /// <summary>Does what a user's browser would: loads the consent page, presses Approve, follows the redirect to the loopback
    /// callback. It only ever talks to 127.0.0.1.</summary>
    private static async Task ApproveOverHttpAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        string page = await browser.GetStringAsync(context.AuthorizationUri, cancellationToken);
        string requestId = RequestField().Match(page) is { Success: true } m
            ? m.Groups[1].Value
            : throw new InvalidOperationException("The consent page has no approval form.");

        using var form = new FormUrlEncodedContent([new("request", requestId), new("decision", "approve")]);
        using HttpResponseMessage approved = await browser.PostAsync(new Uri(context.AuthorizationUri, "/authorize"), form, cancellationToken);
        Uri callback = approved.StatusCode == HttpStatusCode.Redirect && approved.Headers.Location is { } location
            && location.GetLeftPart(UriPartial.Path) == context.RedirectUri.GetLeftPart(UriPartial.Path)
            ? location
            : throw new InvalidOperationException($"Approving did not redirect to the client (HTTP {(int)approved.StatusCode}).");

        using HttpResponseMessage delivered = await browser.GetAsync(callback, cancellationToken);
        Narrator.Party("browser", $"GET {context.RedirectUri} → {(int)delivered.StatusCode}: the library's loopback receiver took the code");
    }

    [GeneratedRegex("name=\"request\" value=\"([A-Za-z0-9_-]+)\"")]
    private static partial Regex RequestField();
}
