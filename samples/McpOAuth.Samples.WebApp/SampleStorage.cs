using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace McpOAuth.Samples.WebApp;

/// <summary>Where the sample keeps what its instances must share. Without <c>--redis</c>: everything in this process's memory
/// (one instance; the Data Protection keys too, so nothing is written to disk). With <c>--redis HOST:PORT</c>: the pending
/// sign-ins, the tokens and the Data Protection key ring in Redis, so any instance can complete a sign-in another started,
/// serve a user another signed in, and read the cookie another issued.</summary>
internal static class SampleStorage
{
    private const string KeyPrefix = "mcpoauth-sample:";

    public static void Configure(WebApplicationBuilder builder, IMcpOAuthBuilder oauth, SampleArguments arguments)
    {
        IDataProtectionBuilder dataProtection = builder.Services.AddDataProtection().SetApplicationName("McpOAuth.Samples.WebApp");
        if (arguments.Redis is null)
        {
            dataProtection.UseEphemeralDataProtectionProvider();
            return;
        }

        // One connection for the key ring and both stores; it reconnects by itself when Redis comes back.
        ConfigurationOptions redis = ConfigurationOptions.Parse(arguments.Redis);
        redis.AbortOnConnectFail = false;
        IConnectionMultiplexer connection = ConnectionMultiplexer.Connect(redis);
        builder.Services.AddSingleton(connection);
        dataProtection.PersistKeysToStackExchangeRedis(connection, KeyPrefix + "data-protection-keys");
        oauth.UseRedisTokenStore(o =>
        {
            o.ConnectionMultiplexerFactory = () => Task.FromResult(connection);
            o.KeyPrefix = KeyPrefix;
            o.ProtectWithDataProtection = true;
        });
        oauth.UseRedisPendingAuthorizationStore();
    }
}
