using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps McpOAuth.Client's tokens, and its hosted sign-ins between their start and their callback, in Redis.</summary>
public static class McpOAuthRedisBuilderExtensions
{
    /// <summary>The Data Protection purpose of the records, when <see cref="RedisTokenStoreOptions.ProtectWithDataProtection"/> is on.</summary>
    public const string DataProtectionPurpose = "McpOAuth.Client.RedisTokenStore.v1";

    /// <summary>Keeps tokens in Redis (<see cref="RedisTokenStore"/>), shared by every instance of the application.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection, key prefix, timeouts, lease and encryption.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>The options are validated at start-up. The store is a container-wide singleton, like every token store: its keys
    /// include resource, issuer, client and partition. With <see cref="RedisTokenStoreOptions.ProtectWithDataProtection"/> the
    /// container must also have ASP.NET Core Data Protection (<c>services.AddDataProtection()</c>).</remarks>
    public static IMcpOAuthBuilder UseRedisTokenStore(this IMcpOAuthBuilder builder, Action<RedisTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisTokenStoreOptions>>(
            new RedisTokenStoreOptionsValidator(requireConnection: true)));
        builder.Services.AddOptions<RedisTokenStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.Replace(ServiceDescriptor.Singleton<ITokenStore>(CreateTokenStore));
        return builder;
    }

    private static RedisTokenStore CreateTokenStore(IServiceProvider services)
    {
        RedisTokenStoreOptions options = services.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value;
        IDataProtector? protector = null;
        if (options.ProtectWithDataProtection)
        {
            IDataProtectionProvider provider = services.GetService<IDataProtectionProvider>()
                ?? throw new InvalidOperationException(
                    "RedisTokenStoreOptions.ProtectWithDataProtection is on, but no IDataProtectionProvider is registered: call services.AddDataProtection().");
            protector = provider.CreateProtector(DataProtectionPurpose);
        }

        RedisConnection connection = RedisConnection.For(options);
        return new RedisTokenStore(
            connection, options, protector, services.GetService<ILogger<RedisTokenStore>>(), services.GetService<TimeProvider>());
    }

    /// <summary>Keeps hosted sign-ins in Redis (<see cref="RedisPendingAuthorizationStore"/>), so their callback may reach any
    /// instance, with the connection and key prefix of <c>UseRedisTokenStore</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Call <c>UseRedisTokenStore</c> too (its <see cref="RedisTokenStoreOptions"/> say where Redis is), and register ASP.NET
    /// Core Data Protection with a key ring every instance shares (<c>services.AddDataProtection()</c>): the records are always
    /// encrypted. With <see cref="RedisTokenStoreOptions.Configuration"/> the store opens a connection of its own; with
    /// <see cref="RedisTokenStoreOptions.ConnectionMultiplexerFactory"/> it uses the one given.</remarks>
    public static IMcpOAuthBuilder UseRedisPendingAuthorizationStore(this IMcpOAuthBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IPendingAuthorizationStore>(CreatePendingAuthorizationStore));
        return builder;
    }

    private static RedisPendingAuthorizationStore CreatePendingAuthorizationStore(IServiceProvider services)
    {
        RedisTokenStoreOptions options = services.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value;
        IDataProtectionProvider protection = services.GetService<IDataProtectionProvider>()
            ?? throw new InvalidOperationException(
                "RedisPendingAuthorizationStore encrypts pending sign-ins with Data Protection, but no IDataProtectionProvider is registered: call services.AddDataProtection().");
        RedisConnection connection = RedisConnection.For(options);
        return new RedisPendingAuthorizationStore(
            connection, protection, options, services.GetService<ILogger<RedisPendingAuthorizationStore>>(), services.GetService<TimeProvider>());
    }
}
