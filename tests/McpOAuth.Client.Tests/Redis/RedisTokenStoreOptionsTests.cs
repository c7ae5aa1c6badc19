using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpOAuth.Client.Tests.Redis;

/// <summary><see cref="RedisTokenStoreOptions"/> validation and <c>UseRedisTokenStore</c>: a bad option is a clear error at start-up
/// (or at construction without DI), never a store that misbehaves later.</summary>
public sealed class RedisTokenStoreOptionsTests
{
    public static TheoryData<string, Action<RedisTokenStoreOptions>> InvalidOptions => new()
    {
        { "KeyPrefix", o => o.KeyPrefix = "app{1}:" },
        { "KeyPrefix", o => o.KeyPrefix = new string('p', 201) },
        { "OperationTimeout", o => o.OperationTimeout = TimeSpan.Zero },
        { "OperationTimeout", o => o.OperationTimeout = TimeSpan.FromMinutes(6) },
        { "LockLease", o => o.LockLease = TimeSpan.FromMilliseconds(999) },
        { "LockLease", o => o.LockLease = TimeSpan.FromMinutes(11) },
        { "LockTimeout", o => o.LockTimeout = TimeSpan.FromMilliseconds(99) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_OptionOutOfRange_ThrowsOptionsValidationNamingIt(string option, Action<RedisTokenStoreOptions> breakIt)
    {
        var options = new RedisTokenStoreOptions();
        breakIt(options);
        using ConnectionMultiplexer unused = ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100");

        Action create = () => _ = new RedisTokenStore(unused, options);

        create.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(option);
    }

    [Fact]
    public void UseRedisTokenStore_NoConnection_FailsValidationAtStartup()
    {
        var services = new ServiceCollection();
        services.AddMcpOAuth().UseRedisTokenStore(_ => { });
        using ServiceProvider provider = services.BuildServiceProvider();

        Action resolve = () => _ = provider.GetRequiredService<ITokenStore>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Configuration");
    }

    [Fact]
    public void UseRedisTokenStore_ProtectWithoutDataProtection_SaysWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddMcpOAuth().UseRedisTokenStore(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.ProtectWithDataProtection = true;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        Action resolve = () => _ = provider.GetRequiredService<ITokenStore>();

        resolve.Should().Throw<InvalidOperationException>().WithMessage("*AddDataProtection*");
    }

    [Fact]
    public async Task UseRedisTokenStore_WithDataProtection_ReplacesTheDefaultStoreWithAProtectedRedisStore()
    {
        var services = new ServiceCollection();
        services.AddDataProtection();
        services.AddMcpOAuth().UseRedisTokenStore(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.ProtectWithDataProtection = true;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        ITokenStore store = provider.GetRequiredService<ITokenStore>();

        using (new AssertionScope())
        {
            store.Should().BeOfType<RedisTokenStore>().Which.IsProtected.Should().BeTrue();
            services.Where(d => d.ServiceType == typeof(ITokenStore)).Should().ContainSingle();
        }
    }
}
