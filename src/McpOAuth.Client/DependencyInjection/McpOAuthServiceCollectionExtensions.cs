using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers McpOAuth.Client in an <see cref="IServiceCollection"/>.</summary>
public static class McpOAuthServiceCollectionExtensions
{
    /// <summary>Registers McpOAuth.Client with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to replace default services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMcpOAuthBuilder AddMcpOAuth(this IServiceCollection services) =>
        services.AddMcpOAuth(Options.Options.DefaultName, static _ => { });

    /// <summary>Registers McpOAuth.Client and configures the default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to replace default services.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IMcpOAuthBuilder AddMcpOAuth(this IServiceCollection services, Action<McpOAuthOptions> configure) =>
        services.AddMcpOAuth(Options.Options.DefaultName, configure);

    /// <summary>Registers McpOAuth.Client and configures named options; the name is the <see cref="HttpClient"/> name.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The options name; <see cref="string.Empty"/> is the default name.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to replace default services.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <remarks>Options are validated at startup. Every service is added with <c>TryAdd</c>, so calling this again is harmless.
    /// Calls to authorization servers use the named client <see cref="McpOAuthDefaults.BackchannelHttpClientName"/>, which
    /// follows no redirects.</remarks>
    public static IMcpOAuthBuilder AddMcpOAuth(this IServiceCollection services, string name, Action<McpOAuthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpOAuthOptions>, McpOAuthOptionsValidator>());
        services.AddOptions<McpOAuthOptions>(name).Configure(configure).ValidateOnStart();
        services.Configure<McpOAuthNames>(names => names.Add(name));

        services.AddHttpClient(McpOAuthDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => BackchannelFactory.CreatePrimaryHandler(ConnectPolicy.Default))
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, BackchannelClientConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HttpClientFactoryOptions>, BackchannelClientConfiguration>());

        services.TryAddSingleton(static sp =>
        {
            McpOAuthOptions defaults = sp.GetRequiredService<IOptionsMonitor<McpOAuthOptions>>().Get(Options.Options.DefaultName);
            return BackchannelFactory.Create(sp.GetRequiredService<IHttpClientFactory>(), ConnectPolicy.For(defaults.Network), sp.GetRequiredService<TimeProvider>(), defaults.HttpTimeout);
        });
        services.TryAddSingleton<IDiscoveryClient>(static sp =>
            new HttpDiscoveryClient(sp.GetRequiredService<Backchannel>(), sp.GetRequiredService<TimeProvider>(), Logger(sp, "McpOAuth.Client.Discovery")));
        services.TryAddSingleton<IClientRegistrar>(static sp =>
            new DefaultClientRegistrar(sp.GetRequiredService<Backchannel>(), Logger(sp, "McpOAuth.Client.Registration")));
        services.TryAddSingleton<IPkceGenerator, S256PkceGenerator>();
        services.TryAddSingleton<ICallbackReceiver>(static sp =>
            new LoopbackCallbackReceiver(sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<LoopbackCallbackReceiver>>()));
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        services.TryAddSingleton<IPendingAuthorizationStore>(static sp => new InMemoryPendingAuthorizationStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<McpOAuthProviderRegistry>();
        services.TryAddSingleton(static sp => Telemetry.For(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IMcpOAuthProvider>(static sp =>
            sp.GetRequiredService<McpOAuthProviderRegistry>().Get(Options.Options.DefaultName));
        services.TryAddKeyedSingleton<IMcpOAuthProvider>(name, static (sp, key) =>
            sp.GetRequiredService<McpOAuthProviderRegistry>().Get((string)key!));

        return new McpOAuthBuilder(name, services);
    }

    private static ILogger Logger(IServiceProvider services, string category) =>
        services.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;
}
