using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Checks <see cref="RedisTokenStoreOptions"/>: TimeSpan ranges by hand (a <c>[Range(typeof(TimeSpan))]</c> attribute
/// is not AOT-safe) and, when the store builds its own connection, that there is something to connect to.</summary>
internal sealed class RedisTokenStoreOptionsValidator(bool requireConnection) : IValidateOptions<RedisTokenStoreOptions>
{
    public const int MaxKeyPrefixLength = 200;

    public ValidateOptionsResult Validate(string? name, RedisTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (requireConnection && string.IsNullOrWhiteSpace(options.Configuration) && options.ConnectionMultiplexerFactory is null)
        {
            builder.AddError("Set Configuration (a StackExchange.Redis configuration string) or ConnectionMultiplexerFactory.", nameof(options.Configuration));
        }

        if (options.KeyPrefix is null || options.KeyPrefix.Length > MaxKeyPrefixLength || options.KeyPrefix.IndexOfAny(['{', '}']) >= 0)
        {
            builder.AddError($"KeyPrefix must be set, at most {MaxKeyPrefixLength} characters, without '{{' or '}}'.", nameof(options.KeyPrefix));
        }

        Range(builder, options.OperationTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), nameof(options.OperationTimeout));
        Range(builder, options.LockLease, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), nameof(options.LockLease));
        Range(builder, options.LockTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), nameof(options.LockTimeout));
        return builder.Build();
    }

    /// <summary>Validates and throws <see cref="OptionsValidationException"/>, for use without DI.</summary>
    public static void ThrowIfInvalid(RedisTokenStoreOptions options, bool requireConnection)
    {
        ValidateOptionsResult result = new RedisTokenStoreOptionsValidator(requireConnection).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisTokenStoreOptions), result.Failures);
        }
    }

    private static void Range(ValidateOptionsResultBuilder builder, TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            builder.AddError($"{name} must be between {min} and {max}.", name);
        }
    }
}
