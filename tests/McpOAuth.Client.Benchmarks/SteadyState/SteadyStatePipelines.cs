namespace McpOAuth.Client.Benchmarks.SteadyState;

/// <summary>
/// Benchmark 1's pipelines, all ending in <see cref="OkTerminalHandler"/>: <c>HttpClient</c> → McpOAuthHandler holding a
/// valid token, and the floors (a handler that only sets a fixed <c>Authorization</c> header).
/// </summary>
/// <remarks>The token is pre-seeded in an <see cref="InMemoryTokenStore"/> under a resource that identifies the endpoint;
/// the provider loads the store on its first request, then serves every later one from memory.</remarks>
public sealed class SteadyStatePipelines(HttpClient floor, HttpClient floorAsync, HttpClient ours, IMcpOAuthProvider provider) : IDisposable
{
    public const string EndpointString = "https://mcp.example.com/mcp";
    public const string Token = "bench-access-token";

    /// <summary>One <see cref="Uri"/> for every request, as the MCP SDK's transport keeps its endpoint.</summary>
    public static readonly Uri Endpoint = new(EndpointString);

    public HttpClient Floor { get; } = floor;

    public HttpClient FloorAsync { get; } = floorAsync;

    public HttpClient Ours { get; } = ours;

    public IMcpOAuthProvider Provider { get; } = provider;

    public static async Task<SteadyStatePipelines> CreateAsync()
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        var store = new InMemoryTokenStore();
        var tokens = new TokenSet
        {
            AccessToken = Token,
            Resource = EndpointString,
            Issuer = "https://as.example.com",
            ClientId = "bench-client",
            ObtainedAt = now,
            ExpiresAt = now.AddDays(1),
        };
        await store.SetAsync(tokens.Key, tokens);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(new McpOAuthOptions { ServerUri = Endpoint }, store);

        var pipelines = new SteadyStatePipelines(
            new HttpClient(new FixedAuthorizationHandler(Token) { InnerHandler = new OkTerminalHandler() }),
            new HttpClient(new FixedAuthorizationAsyncHandler(Token) { InnerHandler = new OkTerminalHandler() }),
            new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new OkTerminalHandler() }),
            provider);

        // The first request loads the store; make sure the token is really attached before anything is measured.
        if (await provider.GetAccessTokenAsync(Endpoint) != Token)
        {
            throw new InvalidOperationException("The provider did not load the pre-seeded token.");
        }

        await SendAsync(pipelines.Ours, Endpoint);
        return pipelines;
    }

    /// <summary>One request the way the MCP SDK sends it: a new message, headers-read completion, response disposed.</summary>
    public static async Task SendAsync(HttpClient client, Uri uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public void Dispose()
    {
        Floor.Dispose();
        FloorAsync.Dispose();
        Ours.Dispose();
        (Provider as IDisposable)?.Dispose();
    }
}
