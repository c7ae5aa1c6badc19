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
        Backchannel backchannel = BackchannelFactory.Create(
            _services.GetRequiredService<IHttpClientFactory>(), ConnectPolicy.For(options.Network), time, options.HttpTimeout);

        // The library's own discovery and registration run over this name's backchannel, so its network policy and timeout
        // govern every call it makes; a replaced seam is used as registered.
        IDiscoveryClient discovery = _services.GetRequiredService<IDiscoveryClient>();
        IClientRegistrar registrar = _services.GetRequiredService<IClientRegistrar>();
        return McpOAuthProviderFactory.Create(
            options,
            discovery is HttpDiscoveryClient ? new HttpDiscoveryClient(backchannel, time, logs.CreateLogger("McpOAuth.Client.Discovery")) : discovery,
            registrar is DefaultClientRegistrar ? new DefaultClientRegistrar(backchannel, logs.CreateLogger("McpOAuth.Client.Registration")) : registrar,
            _services.GetRequiredService<IPkceGenerator>(),
            _services.GetRequiredService<ICallbackReceiver>(),
            _services.GetRequiredService<ITokenStore>(),
            _services.GetRequiredService<IPendingAuthorizationStore>(),
            backchannel,
            time,
            logs,
            _services.GetRequiredService<Telemetry>());
    }
}
