using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using ModelContextProtocol.Authentication;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>
/// Stands in for the user's browser, the same way for both clients: it GETs the authorization URL without following
/// redirects (the test authorization server approves at once with a 302) and takes the redirect.
/// </summary>
/// <remarks>
/// The two clients receive the redirect differently, as their APIs require. McpOAuth.Client listens on a loopback
/// redirect URI, so the redirect is delivered there with one more loopback GET, as a browser would. The SDK's
/// <see cref="ClientOAuthOptions.AuthorizationCallbackHandler"/> returns the code itself: in <see cref="CompleteForSdkAsync"/>
/// the redirect is parsed here and never sent anywhere (the SDK client is spared a listener and a loopback request per
/// sign-in); <see cref="CompleteForSdkViaListenerAsync"/> receives it on a listener, as the SDK's own sample does.
/// </remarks>
public sealed class BrowserStandIn : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private readonly List<Task> _deliveries = [];
    private readonly Lock _gate = new();

    /// <summary>McpOAuth.Client's <see cref="McpOAuthOptions.LaunchBrowser"/> hook.</summary>
    public async ValueTask LaunchAsync(BrowserLaunchContext context, CancellationToken cancellationToken)
    {
        Uri location = await AuthorizeAsync(context.AuthorizationUri, cancellationToken);
        Task delivery = DeliverAsync(location);
        lock (_gate)
        {
            _deliveries.RemoveAll(t => t.IsCompleted);
            _deliveries.Add(delivery);
        }
    }

    /// <summary>The SDK's <see cref="ClientOAuthOptions.AuthorizationCallbackHandler"/>.</summary>
    public async Task<AuthorizationResult?> CompleteForSdkAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        Uri location = await AuthorizeAsync(context.AuthorizationUri, cancellationToken);
        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query = QueryHelpers.ParseQuery(location.Query);
        return new AuthorizationResult
        {
            Code = query.TryGetValue("code", out var code) ? code.ToString() : null,
            State = query.TryGetValue("state", out var state) ? state.ToString() : null,
            Iss = query.TryGetValue("iss", out var iss) ? iss.ToString() : null,
        };
    }

    /// <summary>The SDK's <see cref="ClientOAuthOptions.AuthorizationCallbackHandler"/> written as its own sample does it: an
    /// <see cref="HttpListener"/> on the loopback redirect URI receives the browser's redirect. This costs the SDK client
    /// the same listener and extra loopback request that McpOAuth.Client's sign-in has.</summary>
    public async Task<AuthorizationResult?> CompleteForSdkViaListenerAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add(context.RedirectUri.GetLeftPart(UriPartial.Authority) + "/");
        listener.Start();
        Uri location = await AuthorizeAsync(context.AuthorizationUri, cancellationToken);
        Task delivery = DeliverAsync(location);
        HttpListenerContext callback = await listener.GetContextAsync().WaitAsync(cancellationToken);
        var query = callback.Request.QueryString;
        var result = new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
        callback.Response.StatusCode = 200;
        callback.Response.ContentType = "text/plain";
        byte[] page = "Signed in. You can close this window."u8.ToArray();
        await callback.Response.OutputStream.WriteAsync(page, cancellationToken);
        callback.Response.Close();
        await delivery;
        return result;
    }

    /// <summary>A free loopback port for a redirect URI that must be fixed before the sign-in starts.</summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _deliveries];
        }

        Task.WaitAll(pending, TimeSpan.FromSeconds(5));
        _http.Dispose();
    }

    private async Task<Uri> AuthorizeAsync(Uri authorizationUri, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(authorizationUri, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Found || response.Headers.Location is not { } location)
        {
            throw new InvalidOperationException($"The authorization endpoint answered {(int)response.StatusCode} instead of a redirect.");
        }

        return location.IsAbsoluteUri ? location : new Uri(authorizationUri, location);
    }

    private async Task DeliverAsync(Uri location)
    {
        try
        {
            using HttpResponseMessage callback = await _http.GetAsync(location);
        }
        catch (HttpRequestException)
        {
            // The listener decides the outcome; a broken page load changes nothing.
        }
    }
}
