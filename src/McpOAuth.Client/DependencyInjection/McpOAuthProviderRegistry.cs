using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>One provider per options name, created on first use from the container's seams.</summary>
internal sealed class McpOAuthProviderRegistry
{
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, Lazy<McpOAuthProvider>> _providers = new(StringComparer.Ordinal);

    public McpOAuthProviderRegistry(IServiceProvider services)
    {
        _services = services;
    }

    public IMcpOAuthProvider Get(string name) =>
        _providers.GetOrAdd(name, n => new Lazy<McpOAuthProvider>(() => Create(n))).Value;

    private McpOAuthProvider Create(string name)
    {
        McpOAuthOptions options = _services.GetRequiredService<IOptionsMonitor<McpOAuthOptions>>().Get(name);
        ILoggerFactory logs = _services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        TimeProvider time = _services.GetRequiredService<TimeProvider>();
        return McpOAuthProviderFactory.Create(
            options,
            _services.GetRequiredService<IDiscoveryClient>(),
            _services.GetRequiredService<IClientRegistrar>(),
            _services.GetRequiredService<IPkceGenerator>(),
            _services.GetRequiredService<ICallbackReceiver>(),
            _services.GetRequiredService<ITokenStore>(),
            _services.GetRequiredService<IPendingAuthorizationStore>(),
            // Token requests and probes honour this name's HttpTimeout; discovery and registration are shared services and
            // use the default options' timeout.
            BackchannelFactory.Create(_services.GetRequiredService<IHttpClientFactory>(), time, options.HttpTimeout),
            time,
            logs);
    }
}
