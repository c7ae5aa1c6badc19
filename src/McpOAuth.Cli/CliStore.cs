using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli;

/// <summary>The token store of <c>--store</c> (else <c>$MCP_OAUTH_STORE</c>, else the file store of <c>--store-dir</c>).</summary>
internal static class CliStore
{
    /// <summary>Opens the store; the caller disposes it.</summary>
    /// <exception cref="UsageException">The store is none of the forms <see cref="CliStoreLocation"/> knows.</exception>
    public static ITokenStore Open(CliArguments cli, ILoggerFactory? logging)
    {
        CliStoreLocation location = LocationOf(cli);
        return location.Kind switch
        {
            CliStoreKind.Keyring => OpenKeyring(cli, logging),
            CliStoreKind.Redis => OpenRedis(location, logging),
            _ => new FileTokenStore(new FileTokenStoreOptions { Directory = cli.StoreDir }, logging?.CreateLogger<FileTokenStore>()),
        };
    }

    /// <summary>Where the logins are, for messages: a directory, the OS keyring, or a Redis server (never its password).</summary>
    public static string Describe(CliArguments cli, ITokenStore store) => store switch
    {
        FileTokenStore file => file.Directory,
        KeyringTokenStore keyring => $"the OS keyring (index in {keyring.Directory})",
        _ => LocationOf(cli).RedisEndpoint ?? store.GetType().Name,
    };

    /// <summary>Disposes the store (a Redis store closes its connection).</summary>
    public static async ValueTask CloseAsync(ITokenStore store)
    {
        if (store is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            (store as IDisposable)?.Dispose();
        }
    }

    /// <summary>How a stored credential is protected at rest, in words for <c>status</c>.</summary>
    public static async ValueTask<string> ProtectionOfAsync(ITokenStore store, TokenSet tokens, CancellationToken cancellationToken) =>
        await store.GetProtectionAsync(tokens.Key, cancellationToken) switch
        {
            TokenProtection.FilePermissions => "file permissions (owner only)",
            TokenProtection.LinuxSecretService => "Linux Secret Service",
            TokenProtection.MacOSKeychain => "macOS Keychain",
            TokenProtection.WindowsDpapi => "Windows DPAPI",
            TokenProtection.Memory => "memory only",
            _ when store is RedisTokenStore redis => redis.IsProtected ? "Redis, encrypted" : "Redis, not encrypted (protect the server)",
            _ => "unknown",
        };

    public static CliStoreLocation LocationOf(CliArguments cli) =>
        CliStoreLocation.Parse(cli.Store ?? Environment.GetEnvironmentVariable(CliStoreLocation.EnvironmentVariable), Environment.GetEnvironmentVariable);

    // Each kind in its own method, so a command using the file store never loads the keyring's or Redis's assemblies.
    private static KeyringTokenStore OpenKeyring(CliArguments cli, ILoggerFactory? logging) =>
        new(new KeyringTokenStoreOptions { Directory = cli.StoreDir }, logging?.CreateLogger<KeyringTokenStore>());

    private static RedisTokenStore OpenRedis(CliStoreLocation location, ILoggerFactory? logging) =>
        RedisTokenStore.Connect(new RedisTokenStoreOptions { Configuration = location.RedisConfiguration }, logger: logging?.CreateLogger<RedisTokenStore>());
}
