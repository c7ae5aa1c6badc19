using System.Globalization;

namespace McpOAuth.Cli;

/// <summary>Where <c>--store</c> (or <c>$MCP_OAUTH_STORE</c>) keeps the logins: <c>file</c> (the default, under
/// <c>--store-dir</c>), <c>keyring</c> (the OS secret service), or <c>redis://HOST[:PORT][/DB]</c> (<c>rediss://</c> for TLS),
/// shared by every machine that names the same server (issue 11 item 4).</summary>
internal sealed record CliStoreLocation(CliStoreKind Kind, string? RedisConfiguration = null, string? RedisEndpoint = null)
{
    /// <summary>The environment variable read when <c>--store</c> is not given.</summary>
    public const string EnvironmentVariable = "MCP_OAUTH_STORE";

    /// <summary>The environment variable holding the Redis password; a password is never taken from the command line.</summary>
    public const string RedisPasswordVariable = "MCP_OAUTH_REDIS_PASSWORD";

    public const string Syntax = "file, keyring or redis://HOST[:PORT][/DB]";

    private const int DefaultRedisPort = 6379;

    public static CliStoreLocation File { get; } = new(CliStoreKind.File);

    /// <summary>Parses a <c>--store</c> value.</summary>
    /// <exception cref="UsageException">The value is none of the forms.</exception>
    public static CliStoreLocation Parse(string? value, Func<string, string?> environment)
    {
        if (string.IsNullOrEmpty(value) || value == "file")
        {
            return File;
        }

        if (value == "keyring")
        {
            return new CliStoreLocation(CliStoreKind.Keyring);
        }

        if (value.StartsWith("redis://", StringComparison.Ordinal) || value.StartsWith("rediss://", StringComparison.Ordinal))
        {
            return ParseRedis(value, environment);
        }

        throw new UsageException($"the store '{CliText.Safe(value)}' is not one of {Syntax}.");
    }

    private static CliStoreLocation ParseRedis(string value, Func<string, string?> environment)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw new UsageException($"the store '{CliText.Safe(value)}' is not a URL of the form redis://HOST[:PORT][/DB].");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new UsageException($"a Redis password does not belong on the command line: set {RedisPasswordVariable} instead.");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new UsageException("the Redis store URL takes no query or fragment: redis://HOST[:PORT][/DB].");
        }

        string path = uri.AbsolutePath.Trim('/');
        int database = 0;
        if (path.Length > 0 && !(int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database) && database <= 9999))
        {
            throw new UsageException($"the Redis database '{CliText.Safe(path)}' is not a number: redis://HOST[:PORT][/DB].");
        }

        int port = uri.IsDefaultPort || uri.Port < 0 ? DefaultRedisPort : uri.Port;
        string endpoint = $"{uri.Host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var configuration = new List<string> { endpoint, $"defaultDatabase={database.ToString(CultureInfo.InvariantCulture)}" };
        if (uri.Scheme == "rediss")
        {
            configuration.Add("ssl=true");
        }

        if (environment(RedisPasswordVariable) is { Length: > 0 } password)
        {
            // StackExchange.Redis reads the configuration string as comma-separated pairs: a password with a comma cannot be given.
            if (password.Contains(',', StringComparison.Ordinal))
            {
                throw new UsageException($"{RedisPasswordVariable} contains a comma, which a StackExchange.Redis configuration cannot carry.");
            }

            configuration.Add("password=" + password);
        }

        return new CliStoreLocation(CliStoreKind.Redis, string.Join(',', configuration), $"{uri.Scheme}://{endpoint}/{database.ToString(CultureInfo.InvariantCulture)}");
    }
}

/// <summary>The kinds of token store the command line offers.</summary>
internal enum CliStoreKind
{
    File,
    Keyring,
    Redis,
}
