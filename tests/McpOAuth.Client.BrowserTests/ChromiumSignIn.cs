using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;

namespace McpOAuth.Client.BrowserTests;

/// <summary>A library client whose browser is Chromium sends an MCP <c>initialize</c> that needs a sign-in: the request still in
/// flight, the launch the library asked for, and the first page Chromium landed on.</summary>
internal sealed class ChromiumSignIn : IDisposable
{
    private readonly HttpClient _http;

    private ChromiumSignIn(HttpClient http, BrowserLauncher launcher, Task<HttpResponseMessage> call, BrowserLaunchContext launch, IResponse? page)
    {
        _http = http;
        Launcher = launcher;
        Call = call;
        Launch = launch;
        Page = page;
    }

    public BrowserLauncher Launcher { get; }

    /// <summary>Gets the MCP request, which completes once the sign-in has.</summary>
    public Task<HttpResponseMessage> Call { get; }

    public BrowserLaunchContext Launch { get; }

    /// <summary>Gets the page Chromium landed on after following the authorization URL.</summary>
    public IResponse? Page { get; }

    /// <summary>Sends the request and waits for the library to open Chromium and for the page it lands on; <c>configure</c>
    /// changes the library options (a client name, for one).</summary>
    public static async Task<ChromiumSignIn> StartAsync(HeadlessChromium chromium, Uri mcpUri, Action<McpOAuthOptions>? configure = null)
    {
        var launcher = new BrowserLauncher(chromium);
        var options = new McpOAuthOptions
        {
            AuthorizationTimeout = TimeSpan.FromSeconds(30),
            LaunchBrowser = launcher.LaunchAsync,
        };
        configure?.Invoke(options);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options);
        var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });
        try
        {
            Task<HttpResponseMessage> call = http.SendAsync(Initialize(mcpUri));
            BrowserLaunchContext launch = await launcher.WaitForLaunchAsync(call);
            IResponse? page = await launcher.WaitForNavigationAsync();
            return new ChromiumSignIn(http, launcher, call, launch, page);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Whether a recorded <c>METHOD URL</c> went to 127.0.0.1.</summary>
    public static bool IsLoopback(string request) =>
        Uri.TryCreate(request[(request.IndexOf(' ', StringComparison.Ordinal) + 1)..], UriKind.Absolute, out Uri? uri)
        && uri.Host == "127.0.0.1";

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Initialize(Uri mcpUri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, mcpUri)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"browser-tests","version":"1.0.0"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }
}
