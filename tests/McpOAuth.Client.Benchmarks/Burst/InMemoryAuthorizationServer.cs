using System.Globalization;
using System.Net;
using System.Text;

namespace McpOAuth.Client.Benchmarks.Burst;

/// <summary>An authorization server in memory (the provider's backchannel handler): RFC 8414 metadata and a token endpoint
/// that refreshes with rotation. Token responses can be held back until every request of a burst is in flight.</summary>
public sealed class InMemoryAuthorizationServer : HttpMessageHandler
{
    public const string Issuer = "https://as.example.com";

    private static readonly string Metadata =
        $$"""{"issuer":"{{Issuer}}","authorization_endpoint":"{{Issuer}}/authorize","token_endpoint":"{{Issuer}}/token","response_types_supported":["code"],"grant_types_supported":["authorization_code","refresh_token"],"code_challenge_methods_supported":["S256"],"token_endpoint_auth_methods_supported":["none"]}""";

    private readonly TimeSpan _lifetime;
    private int _tokenRequests;
    private int _metadataRequests;
    private int _serial;
    private string _accessToken = "at-0";
    private TaskCompletionSource? _hold;

    public InMemoryAuthorizationServer(TimeSpan lifetime) => _lifetime = lifetime;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int MetadataRequests => Volatile.Read(ref _metadataRequests);

    /// <summary>Gets the one access token the MCP server accepts now.</summary>
    public string CurrentAccessToken => Volatile.Read(ref _accessToken);

    /// <summary>Holds token responses until <see cref="Release"/>.</summary>
    public void Hold() => Volatile.Write(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path == "/.well-known/oauth-authorization-server")
        {
            Interlocked.Increment(ref _metadataRequests);
            return Json(Metadata);
        }

        if (request.Method == HttpMethod.Post && path == "/token")
        {
            Interlocked.Increment(ref _tokenRequests);
            if (Volatile.Read(ref _hold) is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            int serial = Interlocked.Increment(ref _serial);
            string accessToken = "at-" + serial.ToString(CultureInfo.InvariantCulture);
            Volatile.Write(ref _accessToken, accessToken);
            return Json(
                $$"""{"access_token":"{{accessToken}}","token_type":"Bearer","expires_in":{{(long)_lifetime.TotalSeconds}},"refresh_token":"rt-{{serial}}"}""");
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
