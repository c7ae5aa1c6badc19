using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps McpOAuth.Client's hosted sign-ins in Redis between their start and their callback.</summary>
public static class McpOAuthRedisPendingAuthorizationBuilderExtensions
{
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
        builder.Services.Replace(ServiceDescriptor.Singleton<IPendingAuthorizationStore>(Create));
        return builder;
    }

    private static RedisPendingAuthorizationStore Create(IServiceProvider services)
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
