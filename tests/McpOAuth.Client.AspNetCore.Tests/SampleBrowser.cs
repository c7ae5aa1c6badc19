using System.Net.Http.Headers;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>One person's browser in front of the sample's instances: it keeps the sample's sign-in cookie (the same one for
/// every instance, as behind a load balancer) and follows no redirect by itself.</summary>
internal sealed class SampleBrowser : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private string? _cookie;

    /// <summary>GET /login?user=NAME on an instance; keeps the cookie it sets.</summary>
    public async Task LoginAsync(SampleProcess instance, string user)
    {
        using HttpResponseMessage response = await GetAsync(new Uri(instance.BaseUri, "/login?user=" + user));
        response.EnsureSuccessStatusCode();
        _cookie = response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    /// <summary>Uses another person's cookie: the attacker's browser carrying its own session.</summary>
    public void UseCookieOf(SampleBrowser other) => _cookie = other._cookie;

    public Task<HttpResponseMessage> GetAsync(SampleProcess instance, string pathAndQuery, string? accept = null) =>
        GetAsync(new Uri(instance.BaseUri, pathAndQuery), accept);

    public async Task<HttpResponseMessage> GetAsync(Uri uri, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (_cookie is not null)
        {
            request.Headers.Add("Cookie", _cookie);
        }

        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        return await _http.SendAsync(request).WaitAsync(TestTimeouts.Default);
    }

    public void Dispose() => _http.Dispose();
}
