namespace McpOAuth.Client.Internal;

/// <summary>The one place a <see cref="Backchannel"/> and its primary handler are built, with and without dependency injection.</summary>
internal static class BackchannelFactory
{
    // One pooled client for every provider built without DI: creating one per provider would leak connection pools.
    // Each call has its own timeout, taken from the TimeProvider.
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(CreatePrimaryHandler()) { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>The primary handler of every backchannel the library builds.</summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        AllowAutoRedirect = false, // NET-04, NET-05: no redirect is followed, so no code or secret is re-POSTed elsewhere.
        ConnectCallback = ConnectPolicy.ConnectAsync, // T11: never link-local or metadata addresses, checked at connect time.
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Without DI: over the caller's handler (which the caller owns), or the shared pooled client.</summary>
    public static Backchannel Create(HttpMessageHandler? handler, TimeProvider time, TimeSpan timeout)
    {
        HttpClient http = handler is null
            ? Shared.Value
            : new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        return new Backchannel(() => http, time, timeout);
    }

    /// <summary>With DI: a client from the factory per call, so handler rotation and DNS changes are honoured.</summary>
    public static Backchannel Create(IHttpClientFactory factory, TimeProvider time, TimeSpan timeout) =>
        new(() => factory.CreateClient(McpOAuthDefaults.BackchannelHttpClientName), time, timeout);
}
