using System.Net;
using System.Text;
using System.Threading.Channels;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Simulates the user's browser for the authorization step: opens the authorization URL with plain HTTP,
/// expects a 302 from the authorization server, and delivers the redirect to the client's loopback callback.</summary>
/// <remarks>
/// Wire it as the library's browser launcher, e.g.
/// <c>o.LaunchBrowser = (ctx, ct) =&gt; browser.LaunchAsync(ctx.AuthorizationUri, ct)</c>. Like a real browser launch,
/// <see cref="LaunchAsync"/> returns at once; in <see cref="ScriptedBrowserMode.FollowRedirects"/> mode the navigation
/// runs in the background and its outcome is read with <see cref="WaitForNavigationAsync"/>. In
/// <see cref="ScriptedBrowserMode.CaptureOnly"/> mode the test reads the URL with <see cref="WaitForLaunchAsync"/> and
/// delivers whatever callback it likes with <see cref="DeliverCallbackAsync"/>. No cookies, no auto-redirects.
/// </remarks>
public sealed class ScriptedBrowser : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private readonly Channel<Uri> _launches = Channel.CreateUnbounded<Uri>();
    private readonly Channel<Task<BrowserNavigation>> _navigations = Channel.CreateUnbounded<Task<BrowserNavigation>>();
    private readonly Lock _gate = new();
    private readonly List<Uri> _launched = [];

    /// <summary>Initializes a new instance of the <see cref="ScriptedBrowser"/> class.</summary>
    /// <param name="mode">What <see cref="LaunchAsync"/> does; the default follows redirects.</param>
    public ScriptedBrowser(ScriptedBrowserMode mode = ScriptedBrowserMode.FollowRedirects) => Mode = mode;

    /// <summary>Gets or sets what <see cref="LaunchAsync"/> does with the URL.</summary>
    public ScriptedBrowserMode Mode { get; set; }

    /// <summary>Gets or sets a function that rewrites the authorization server's <c>Location</c> before the browser
    /// requests it (e.g. to tamper with <c>state</c>, or to send it to another listener).</summary>
    public Func<Uri, Uri>? RewriteCallback { get; set; }

    /// <summary>Gets every URL passed to <see cref="LaunchAsync"/>, in order.</summary>
    public IReadOnlyList<Uri> LaunchedUris
    {
        get
        {
            lock (_gate)
            {
                return [.. _launched];
            }
        }
    }

    /// <summary>Gets how many times <see cref="LaunchAsync"/> was called.</summary>
    public int LaunchCount => LaunchedUris.Count;

    /// <summary>Records a browser launch and, in <see cref="ScriptedBrowserMode.FollowRedirects"/> mode, starts
    /// <see cref="NavigateAsync"/> in the background. Returns immediately, like a real launcher.</summary>
    /// <param name="authorizationUri">The authorization URL the client wants opened.</param>
    /// <param name="cancellationToken">Checked once before launching.</param>
    /// <returns>A completed task.</returns>
    public ValueTask LaunchAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _launched.Add(authorizationUri);
        }

        _launches.Writer.TryWrite(authorizationUri);
        if (Mode == ScriptedBrowserMode.FollowRedirects)
        {
            // Not tied to the launcher's token: the browser outlives the launch call.
            _navigations.Writer.TryWrite(Task.Run(() => NavigateAsync(authorizationUri, CancellationToken.None)));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the next URL passed to <see cref="LaunchAsync"/> (each launch is returned once).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The launched URL.</returns>
    public async Task<Uri> WaitForLaunchAsync(CancellationToken cancellationToken = default) =>
        await _launches.Reader.ReadAsync(cancellationToken);

    /// <summary>Waits for the next background navigation started by <see cref="LaunchAsync"/> to finish.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What the browser saw; throws what the navigation threw.</returns>
    public async Task<BrowserNavigation> WaitForNavigationAsync(CancellationToken cancellationToken = default)
    {
        var navigation = await _navigations.Reader.ReadAsync(cancellationToken);
        return await navigation.WaitAsync(cancellationToken);
    }

    /// <summary>Opens the authorization URL, requires a 302, then GETs the (optionally rewritten) <c>Location</c>.</summary>
    /// <param name="authorizationUri">The authorization URL.</param>
    /// <param name="cancellationToken">Cancels the navigation.</param>
    /// <returns>What the browser saw at both hops.</returns>
    /// <exception cref="InvalidOperationException">The authorization server did not answer 302 with a Location.</exception>
    public async Task<BrowserNavigation> NavigateAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        var location = await AuthorizeAsync(authorizationUri, cancellationToken);
        var callback = RewriteCallback is { } rewrite ? rewrite(location) : location;
        var delivered = await DeliverCallbackAsync(callback, cancellationToken);
        return delivered with
        {
            RequestedUri = authorizationUri,
            AuthorizationStatusCode = HttpStatusCode.Found,
            RedirectLocation = location,
        };
    }

    /// <summary>Opens the authorization URL and returns the absolute <c>Location</c> of its 302, without following it.</summary>
    /// <param name="authorizationUri">The authorization URL.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The redirect target (normally the client's callback with <c>code</c>, <c>state</c>, <c>iss</c>).</returns>
    /// <exception cref="InvalidOperationException">The authorization server did not answer 302 with a Location.</exception>
    public async Task<Uri> AuthorizeAsync(Uri authorizationUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        using var response = await _http.GetAsync(authorizationUri, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Found || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException(
                $"Expected 302 with a Location from the authorization endpoint, got {(int)response.StatusCode}.");
        }

        return location.IsAbsoluteUri ? location : new Uri(authorizationUri, location);
    }

    /// <summary>GETs a callback URL (real or crafted) as the browser would, and reports the listener's answer.</summary>
    /// <param name="callbackUri">The callback URL, e.g. <c>http://127.0.0.1:PORT/callback?code=…&amp;state=…</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The listener's status, headers and body.</returns>
    public async Task<BrowserNavigation> DeliverCallbackAsync(Uri callbackUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        using var response = await _http.GetAsync(callbackUri, cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return new BrowserNavigation
        {
            RequestedUri = callbackUri,
            CallbackUri = callbackUri,
            CallbackStatusCode = response.StatusCode,
            CallbackBody = body,
            CallbackHeaders = headers,
        };
    }

    /// <summary>Releases the browser's HTTP client.</summary>
    public void Dispose()
    {
        _launches.Writer.TryComplete();
        _navigations.Writer.TryComplete();
        _http.Dispose();
    }
}
