using System.Collections.Concurrent;

namespace McpOAuth.Client.Internal;

/// <summary>The one place a <see cref="Backchannel"/> and its primary handler are built, with and without dependency injection:
/// no redirect is ever followed (NET-04, NET-05), and connections obey a <see cref="ConnectPolicy"/>, one pool per policy.</summary>
internal static class BackchannelFactory
{
    private const string StrictSuffix = "#";

    // One pooled client per policy for every provider built without DI: one per provider would leak connection pools.
    private static readonly ConcurrentDictionary<string, Lazy<HttpClient>> Shared = new(StringComparer.Ordinal);

    /// <summary>The primary handler of every backchannel the library builds.</summary>
    public static SocketsHttpHandler CreatePrimaryHandler(ConnectPolicy policy) => new()
    {
        AllowAutoRedirect = false, // NET-04, NET-05: no redirect is followed, so no code or secret is re-POSTed elsewhere.
        ConnectCallback = policy.ConnectAsync, // T11: addresses checked at connect time.
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Without DI: over the caller's handler (which the caller owns, and which must not follow redirects), or the shared
    /// pooled client of the policy.</summary>
    public static Backchannel Create(HttpMessageHandler? handler, ConnectPolicy policy, TimeProvider time, TimeSpan timeout)
    {
        if (handler is null)
        {
            // Built on the first call, not here: a provider that answers from a stored token never needs it.
            Lazy<HttpClient> shared = Shared.GetOrAdd(policy.Key, _ => new Lazy<HttpClient>(() => new HttpClient(CreatePrimaryHandler(policy)) { Timeout = Timeout.InfiniteTimeSpan }));
            return new Backchannel(() => shared.Value, time, timeout);
        }

        RefuseRedirects(handler);
        var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        return new Backchannel(() => http, time, timeout);
    }

    /// <summary>With DI: a client from the factory per call (handler rotation and DNS changes are honoured), named for the policy.</summary>
    public static Backchannel Create(IHttpClientFactory factory, ConnectPolicy policy, TimeProvider time, TimeSpan timeout)
    {
        string name = ClientNameFor(policy);
        return new Backchannel(() => factory.CreateClient(name), time, timeout);
    }

    /// <summary>Whether the shared client of a policy has been built (for tests).</summary>
    internal static bool IsSharedClientCreated(ConnectPolicy policy) => Shared.TryGetValue(policy.Key, out Lazy<HttpClient>? shared) && shared.IsValueCreated;

    public static string ClientNameFor(ConnectPolicy policy) =>
        ReferenceEquals(policy, ConnectPolicy.Default) ? McpOAuthDefaults.BackchannelHttpClientName : McpOAuthDefaults.BackchannelHttpClientName + StrictSuffix + policy.Key;

    /// <summary>The policy a backchannel client name stands for, or null when the name is not a backchannel's.</summary>
    public static ConnectPolicy? PolicyOf(string? name)
    {
        if (string.Equals(name, McpOAuthDefaults.BackchannelHttpClientName, StringComparison.Ordinal))
        {
            return ConnectPolicy.Default;
        }

        string prefix = McpOAuthDefaults.BackchannelHttpClientName + StrictSuffix + "strict:";
        return name is not null && name.StartsWith(prefix, StringComparison.Ordinal)
            ? new ConnectPolicy(refusePrivateNetworks: true, name[prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            : null;
    }

    /// <summary>NET-05 whatever the handler: a primary handler that would follow redirects (and re-POST a code, verifier, refresh
    /// token or secret to the target) is switched off, or refused when it can no longer be changed.</summary>
    public static void RefuseRedirects(HttpMessageHandler handler)
    {
        HttpMessageHandler? current = handler;
        while (current is DelegatingHandler delegating)
        {
            current = delegating.InnerHandler;
        }

        try
        {
            switch (current)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException(
                "The backchannel handler follows redirects and has already been used, so it cannot be changed; give it AllowAutoRedirect = false (NET-05).",
                nameof(handler),
                ex);
        }
    }
}
