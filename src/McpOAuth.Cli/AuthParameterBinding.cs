using McpOAuth.Client;

namespace McpOAuth.Cli;

/// <summary>The one place where <c>--auth-param NAME=VALUE</c> (parsed and checked by <see cref="CliSyntax"/>) reaches the
/// library's options.</summary>
internal static class AuthParameterBinding
{
    public static void Apply(McpOAuthOptions options, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (parameters.Count == 0)
        {
            return;
        }

        foreach ((string name, string value) in parameters)
        {
            options.AdditionalAuthorizationParameters[name] = value;
        }
    }
}
