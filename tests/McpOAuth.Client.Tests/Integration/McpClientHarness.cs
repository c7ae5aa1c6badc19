using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The client under test, built exactly as an application would: <see cref="McpOAuthProviderFactory"/>, then
/// <see cref="McpOAuthHandler"/> over a real <see cref="SocketsHttpHandler"/>, with a <see cref="ScriptedBrowser"/> as the
/// browser launcher so the authorization response reaches the library's real loopback listener.</summary>
internal sealed class McpClientHarness(ScriptedBrowser browser, McpOAuthOptions options, IMcpOAuthProvider provider, HttpClient http)
    : IDisposable
{
    /// <summary>Only guards against hangs; never used to assert timing.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>The largest <see cref="McpOAuthOptions.HttpTimeout"/> the options validator accepts.</summary>
    public static readonly TimeSpan MaxHttpTimeout = TimeSpan.FromMinutes(5);

    public ScriptedBrowser Browser { get; } = browser;

    public McpOAuthOptions Options { get; } = options;

    public IMcpOAuthProvider Provider { get; } = provider;

    public HttpClient Http { get; } = http;

    public static McpClientHarness Create(
        Action<McpOAuthOptions>? configure = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        ITokenStore? tokenStore = null,
        IPendingAuthorizationStore? pendingStore = null,
        HttpMessageHandler? backchannelHandler = null)
    {
        var browser = new ScriptedBrowser();
        var options = new McpOAuthOptions
        {
            // Below the hang guard, so a lost callback fails inside the library rather than in the test.
            AuthorizationTimeout = TimeSpan.FromSeconds(20),

            // The longest allowed, so tests that move a FakeTimeProvider forward never time out a call still in flight.
            HttpTimeout = MaxHttpTimeout,
        };
        options.LaunchBrowser = (context, cancellationToken) => browser.LaunchAsync(context.AuthorizationUri, cancellationToken);
        configure?.Invoke(options);

        var provider = McpOAuthProviderFactory.Create(options, tokenStore, backchannelHandler, timeProvider, loggerFactory, pendingStore);
        var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });
        return new McpClientHarness(browser, options, provider, http);
    }

    /// <summary>A client built as <see cref="Create"/> builds it that has already signed in to the server at
    /// <paramref name="mcpUri"/>: its first <c>initialize</c> call answered 200 (the arrange step of most tests that then
    /// look at what a signed-in client does).</summary>
    public static async Task<McpClientHarness> SignedInAsync(
        Uri mcpUri,
        Action<McpOAuthOptions>? configure = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        ITokenStore? tokenStore = null)
    {
        McpClientHarness client = Create(configure, timeProvider, loggerFactory, tokenStore);
        try
        {
            await client.CallOkAsync(mcpUri, "initialize");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A JSON-RPC request body with non-ASCII text and escapes, so a resent body is checked byte for byte.</summary>
    public static string JsonRpc(string method, int id = 1) =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) +
        ",\"method\":\"" + method + "\",\"params\":{\"probe\":\"h\u00e9llo \u2713 \\\"quoted\\\"\",\"n\":[1,2,3]}}";

    public static HttpRequestMessage CreateRequest(Uri uri, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>Formats requests as <c>METHOD /path STATUS</c> for ordered sequence assertions.</summary>
    public static string[] Describe(IEnumerable<RecordedRequest> requests) =>
        [.. requests.Select(r => $"{r.Method} {r.Path} {r.StatusCode}")];

    public Task<HttpResponseMessage> PostAsync(Uri uri, string body)
    {
        return SendAsync();

        async Task<HttpResponseMessage> SendAsync()
        {
            using HttpRequestMessage request = CreateRequest(uri, body);
            return await Http.SendAsync(request).WaitAsync(HangGuard);
        }
    }

    public Task<HttpResponseMessage> CallAsync(Uri uri, string method, int id = 1) => PostAsync(uri, JsonRpc(method, id));

    /// <summary>Calls <paramref name="method"/> and asserts a 200 (with <paramref name="because"/>, read after the call, as
    /// the reason): for the steps that set a test up, such as the first sign-in.</summary>
    public async Task CallOkAsync(Uri uri, string method, int id = 1, Func<string>? because = null)
    {
        using HttpResponseMessage response = await CallAsync(uri, method, id);
        response.Should().HaveStatusCode(System.Net.HttpStatusCode.OK, because?.Invoke() ?? string.Empty);
    }

    public void Dispose()
    {
        Http.Dispose();
        (Provider as IDisposable)?.Dispose();
        Browser.Dispose();
    }
}
