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

        // MERGE: McpOAuthOptions.AdditionalAuthorizationParameters (IDictionary<string, string>) is added by the library change of
        // issue 12 item 2. When it exists, replace the throw below with this line:
        //     foreach ((string name, string value) in parameters) { options.AdditionalAuthorizationParameters[name] = value; }
        throw new UsageException("--auth-param needs a library with McpOAuthOptions.AdditionalAuthorizationParameters; this build has none.");
    }
}
