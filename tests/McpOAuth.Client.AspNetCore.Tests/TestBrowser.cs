using System.Net.Http.Headers;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>A user's browser, as plain HTTP without cookies or automatic redirects: the test reads each 302 and decides where
/// it goes. The user is named by <see cref="TestWebApp.UserHeader"/> (the test app's stand-in for authentication).</summary>
internal sealed class TestBrowser : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });

    public async Task<HttpResponseMessage> GetAsync(Uri uri, string? user, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (user is not null)
        {
            request.Headers.Add(TestWebApp.UserHeader, user);
        }

        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        return await _http.SendAsync(request).WaitAsync(TestTimeouts.Default);
    }

    public Task<HttpResponseMessage> GetAsync(TestWebApp app, string pathAndQuery, string? user, string? accept = null) =>
        GetAsync(new Uri(app.BaseUri, pathAndQuery), user, accept);

    /// <summary>Approves at the authorization server and returns where it redirected: the callback under the public URL.</summary>
    public static async Task<Uri> ApproveAsync(Uri authorizationUri)
    {
        using var browser = new ScriptedBrowser(ScriptedBrowserMode.CaptureOnly);
        return await browser.AuthorizeAsync(authorizationUri).WaitAsync(TestTimeouts.Default);
    }

    public void Dispose() => _http.Dispose();
}
