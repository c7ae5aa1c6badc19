using McpOAuth.Client;

namespace McpOAuth.Cli;

/// <summary>Turns the flags into <see cref="McpOAuthOptions"/>, the same way for every command, so <c>token</c> and
/// <c>logout</c> use the client (and issuer binding) that <c>login</c> used.</summary>
internal static class CliOptionsFactory
{
    public static McpOAuthOptions Create(CliArguments cli, bool interactive, ProgressDisplay progress)
    {
        var options = new McpOAuthOptions
        {
            ServerUri = cli.ServerUri,
            AllowInteractive = interactive,
            CallbackPort = cli.CallbackPort,
            SendResourceParameter = !cli.NoResource,
            RequirePkceMetadata = !cli.AllowMissingPkceMetadata,
            AllowLegacyDiscovery = cli.AllowLegacyDiscovery,
            OnProgress = progress.OnStage,
        };
        options.Client.ClientId = cli.ClientId;

        // --issuer binds the pre-registered client id and its secret to one authorization server (AUTH-24): exactly as typed,
        // since issuer identifiers are compared character for character.
        options.Client.Issuer = cli.Issuer;

        // A confidential client's secret is never stored, so token and logout need it again to refresh or revoke.
        if (cli.ClientSecretEnv is { } variable)
        {
            options.Client.ClientSecret = Environment.GetEnvironmentVariable(variable)
                ?? throw new UsageException($"the environment variable {variable} is not set.");
        }

        AuthParameterBinding.Apply(options, cli.AuthParameters);
        progress.Timeout = options.AuthorizationTimeout;
        return options;
    }
}
