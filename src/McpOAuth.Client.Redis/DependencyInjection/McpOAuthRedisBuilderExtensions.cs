using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps McpOAuth.Client's tokens in Redis.</summary>
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
        builder.Services.Replace(ServiceDescriptor.Singleton<ITokenStore>(Create));
        return builder;
    }

    private static RedisTokenStore Create(IServiceProvider services)
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
}
