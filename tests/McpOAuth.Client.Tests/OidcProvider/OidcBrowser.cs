using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>What <see cref="OidcBrowser"/> answers on oidc-provider's consent page.</summary>
public enum OidcConsentDecision
{
    /// <summary>Log in and press Continue on the consent page: the client gets a <c>code</c>.</summary>
    Approve,

    /// <summary>Log in, then press Cancel on the consent page: the client gets <c>error=access_denied</c>.</summary>
    Deny,
}

/// <summary>What one <see cref="OidcBrowser"/> navigation saw.</summary>
public sealed record OidcBrowserNavigation
{
    /// <summary>Gets the authorization URL that was opened.</summary>
    public required Uri AuthorizationUri { get; init; }

    /// <summary>Gets the authorization server's final redirect to the client (<c>code</c>/<c>error</c>, <c>state</c>,
    /// <c>iss</c>), as the server sent it.</summary>
    public required Uri RedirectLocation { get; init; }

    /// <summary>Gets the URL the browser actually requested on the client's listener (after
    /// <see cref="OidcBrowser.RewriteCallback"/>), or <see langword="null"/> if the callback was not delivered.</summary>
    public Uri? CallbackUri { get; init; }

    /// <summary>Gets the listener's status, or <see langword="null"/> if the callback was not delivered.</summary>
    public HttpStatusCode? CallbackStatusCode { get; init; }

    /// <summary>Gets the listener's body, or <see langword="null"/> if the callback was not delivered.</summary>
    public string? CallbackBody { get; init; }

    /// <summary>Gets how many HTML pages (login, consent) the browser submitted.</summary>
    public int PagesSubmitted { get; init; }
}

/// <summary>A cookie-keeping, form-submitting stand-in for the user's browser on oidc-provider's development
/// login and consent pages (<c>devInteractions</c>), over plain HTTP, with no real browser.</summary>
/// <remarks>
/// <para>
/// Use it directly (<see cref="AuthorizeAsync"/> returns the final redirect to the client without fetching it) or
/// as the library's browser hook: <c>options.LaunchBrowser = browser.LaunchBrowser</c>. The hook records the launch,
/// starts the navigation in the background and returns at once, like a real launcher; the navigation logs in as
/// <see cref="LoginName"/>, answers consent per <see cref="Consent"/>, and (when <see cref="DeliverCallback"/>)
/// GETs the redirect on the client's loopback listener. Its outcome or exception is in <see cref="Completion"/> and
/// <see cref="WaitForNavigationAsync"/>.
/// </para>
/// <para>
/// The cookie jar persists across navigations, so a second authorization reuses the login session (oidc-provider
/// still shows consent to native clients every time); use a new browser to start logged out.
/// </para>
/// </remarks>
public sealed partial class OidcBrowser : IDisposable
{
    private const int MaxHops = 20;

    private readonly Uri _providerOrigin;
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _provider;
    private readonly HttpClient _callback = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private readonly Channel<Task<OidcBrowserNavigation>> _navigations = Channel.CreateUnbounded<Task<OidcBrowserNavigation>>();
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly List<Uri> _launched = [];
    private Task<OidcBrowserNavigation>? _completion;

    /// <summary>Initializes a new instance of the <see cref="OidcBrowser"/> class.</summary>
    /// <param name="providerBaseUri">The authorization server's origin; the browser only follows redirects within it.</param>
    public OidcBrowser(Uri providerBaseUri)
    {
        ArgumentNullException.ThrowIfNull(providerBaseUri);
        _providerOrigin = new Uri(providerBaseUri.GetLeftPart(UriPartial.Authority));
        _provider = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = _cookies,
            UseProxy = false,
        });
        LaunchBrowser = LaunchAsync;
    }

    /// <summary>Gets the library browser hook: <c>options.LaunchBrowser = browser.LaunchBrowser</c>.</summary>
    public Func<BrowserLaunchContext, CancellationToken, ValueTask> LaunchBrowser { get; }

    /// <summary>Gets or sets the login name typed on the login page (it becomes the token's <c>sub</c>).</summary>
    public string LoginName { get; set; } = "alice";

    /// <summary>Gets or sets the answer on the consent page.</summary>
    public OidcConsentDecision Consent { get; set; } = OidcConsentDecision.Approve;

    /// <summary>Gets or sets a value indicating whether hook launches GET the final redirect on the client's
    /// listener (default <see langword="true"/>); with <see langword="false"/> the test delivers it itself.</summary>
    public bool DeliverCallback { get; set; } = true;

    /// <summary>Gets or sets a function that rewrites the final redirect before it is delivered (e.g. to tamper with
    /// <c>state</c> or drop <c>iss</c>).</summary>
    public Func<Uri, Uri>? RewriteCallback { get; set; }

    /// <summary>Gets every authorization URL launched through <see cref="LaunchBrowser"/>, in order.</summary>
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

    /// <summary>Gets how many times <see cref="LaunchBrowser"/> was called.</summary>
    public int LaunchCount
    {
        get
        {
            lock (_gate)
            {
                return _launched.Count;
            }
        }
    }

    /// <summary>Gets the most recent hook navigation (faulted with what it threw if it failed), or
    /// <see langword="null"/> before the first launch.</summary>
    public Task<OidcBrowserNavigation>? Completion
    {
        get
        {
            lock (_gate)
            {
                return _completion;
            }
        }
    }

    /// <summary>Waits for the next navigation started by <see cref="LaunchBrowser"/> to finish (each is returned once).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What the browser saw; throws what the navigation threw.</returns>
    public async Task<OidcBrowserNavigation> WaitForNavigationAsync(CancellationToken cancellationToken = default)
    {
        var navigation = await _navigations.Reader.ReadAsync(cancellationToken);
        return await navigation.WaitAsync(cancellationToken);
    }

    /// <summary>Opens the authorization URL, follows redirects within the authorization server, logs in, answers
    /// consent, and returns the final redirect to the client without fetching it.</summary>
    /// <param name="authorizationUri">The authorization URL.</param>
    /// <param name="redirectUri">The client's redirect URI; when given, the final redirect must go to it (same
    /// scheme, host, port and path).</param>
    /// <param name="cancellationToken">Cancels the navigation.</param>
    /// <returns>The redirect to the client (<c>code</c> or <c>error</c>, <c>state</c>, <c>iss</c>).</returns>
    /// <exception cref="InvalidOperationException">The server answered something a browser would show the user
    /// (an error page), or redirected somewhere unexpected.</exception>
    public async Task<Uri> AuthorizeAsync(Uri authorizationUri, Uri? redirectUri = null, CancellationToken cancellationToken = default) =>
        (await NavigateCoreAsync(authorizationUri, redirectUri, cancellationToken)).Location;

    /// <summary>Runs <see cref="AuthorizeAsync"/> and then GETs the (optionally rewritten) redirect on the client's
    /// listener, like a browser.</summary>
    /// <param name="authorizationUri">The authorization URL.</param>
    /// <param name="redirectUri">The client's redirect URI, checked as in <see cref="AuthorizeAsync"/>.</param>
    /// <param name="deliver">Whether to GET the redirect.</param>
    /// <param name="cancellationToken">Cancels the navigation.</param>
    /// <returns>What the browser saw.</returns>
    public async Task<OidcBrowserNavigation> NavigateAsync(
        Uri authorizationUri, Uri? redirectUri = null, bool deliver = true, CancellationToken cancellationToken = default)
    {
        var (location, pages) = await NavigateCoreAsync(authorizationUri, redirectUri, cancellationToken);
        var navigation = new OidcBrowserNavigation { AuthorizationUri = authorizationUri, RedirectLocation = location, PagesSubmitted = pages };
        if (!deliver)
        {
            return navigation;
        }

        var callback = RewriteCallback is { } rewrite ? rewrite(location) : location;
        using var response = await _callback.GetAsync(callback, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return navigation with { CallbackUri = callback, CallbackStatusCode = response.StatusCode, CallbackBody = body };
    }

    /// <summary>Releases the HTTP clients and cancels navigations still running.</summary>
    public void Dispose()
    {
        _disposing.Cancel();
        _navigations.Writer.TryComplete();
        _provider.Dispose();
        _callback.Dispose();
        _disposing.Dispose();
    }

    private ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var token = _disposing.Token;

        // Not tied to the launcher's token: the browser outlives the launch call.
        var navigation = Task.Run(() => NavigateAsync(context.AuthorizationUri, context.RedirectUri, DeliverCallback, token), token);
        lock (_gate)
        {
            _launched.Add(context.AuthorizationUri);
            _completion = navigation;
        }

        _navigations.Writer.TryWrite(navigation);
        return ValueTask.CompletedTask;
    }

    private async Task<(Uri Location, int Pages)> NavigateCoreAsync(Uri authorizationUri, Uri? redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        var url = authorizationUri;
        var pages = 0;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            if (!IsProvider(url))
            {
                if (redirectUri is not null && !SameEndpoint(url, redirectUri))
                {
                    throw new InvalidOperationException(
                        $"The authorization server redirected to {url.GetLeftPart(UriPartial.Path)}, not to {redirectUri}.");
                }

                return (url, pages);
            }

            using var response = await _provider.GetAsync(url, cancellationToken);
            if (RedirectTarget(url, response) is { } next)
            {
                url = next;
                continue;
            }

            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException(
                    $"GET {url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}: {Excerpt(html)}");
            }

            url = await SubmitPageAsync(url, html, cancellationToken);
            pages++;
        }

        throw new InvalidOperationException($"More than {MaxHops} redirects from {authorizationUri.GetLeftPart(UriPartial.Path)}.");
    }

    private async Task<Uri> SubmitPageAsync(Uri pageUri, string html, CancellationToken cancellationToken)
    {
        var prompt = PromptInput().Match(html);
        var action = FormAction().Match(html);
        if (!prompt.Success || !action.Success)
        {
            throw new InvalidOperationException($"{pageUri.GetLeftPart(UriPartial.Path)} is not a devInteractions page: {Excerpt(html)}");
        }

        var submitUri = new Uri(pageUri, WebUtility.HtmlDecode(action.Groups["url"].Value));
        Dictionary<string, string> fields;
        switch (prompt.Groups["prompt"].Value)
        {
            case "login":
                fields = new() { ["prompt"] = "login", ["login"] = LoginName, ["password"] = "any" };
                break;
            case "consent" when Consent == OidcConsentDecision.Deny:
                var abort = AbortLink().Match(html);
                if (!abort.Success)
                {
                    throw new InvalidOperationException($"No Cancel link on the consent page: {Excerpt(html)}");
                }

                var abortUri = new Uri(pageUri, WebUtility.HtmlDecode(abort.Groups["url"].Value));
                using (var aborted = await _provider.GetAsync(abortUri, cancellationToken))
                {
                    return RedirectTarget(abortUri, aborted)
                        ?? throw new InvalidOperationException($"Cancel answered {(int)aborted.StatusCode} without a redirect.");
                }

            case "consent":
                fields = new() { ["prompt"] = "consent" };
                break;
            default:
                throw new InvalidOperationException($"Unknown devInteractions prompt '{prompt.Groups["prompt"].Value}'.");
        }

        using var form = new FormUrlEncodedContent(fields);
        using var response = await _provider.PostAsync(submitUri, form, cancellationToken);
        return RedirectTarget(submitUri, response)
            ?? throw new InvalidOperationException(
                $"POST {submitUri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} without a redirect: " +
                Excerpt(await response.Content.ReadAsStringAsync(cancellationToken)));
    }

    private bool IsProvider(Uri url) =>
        Uri.Compare(url, _providerOrigin, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool SameEndpoint(Uri url, Uri redirectUri) =>
        Uri.Compare(url, redirectUri, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped, StringComparison.Ordinal) == 0;

    private static Uri? RedirectTarget(Uri requestUri, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is < 300 or > 399 || response.Headers.Location is not { } location)
        {
            return null;
        }

        return location.IsAbsoluteUri ? location : new Uri(requestUri, location);
    }

    private static string Excerpt(string html)
    {
        var text = Tags().Replace(html, " ");
        text = Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length > 300 ? text[..300] : text;
    }

    [GeneratedRegex(@"<input[^>]*\bname=""prompt""[^>]*\bvalue=""(?<prompt>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex PromptInput();

    [GeneratedRegex(@"<form[^>]*\baction=""(?<url>[^""]+)""[^>]*\bmethod=""post""", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex(@"<a href=""(?<url>[^""]+)"">\[ Cancel \]</a>", RegexOptions.IgnoreCase)]
    private static partial Regex AbortLink();

    [GeneratedRegex("<style[^>]*>.*?</style>|<[^>]+>", RegexOptions.Singleline)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
