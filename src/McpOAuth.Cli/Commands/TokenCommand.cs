using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth token</c>: prints a valid access token and nothing else on standard output, refreshing it if needed;
/// never opens a browser (exit code 3 when a login is needed).</summary>
internal static class TokenCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        string? token;
        using (var progress = new ProgressDisplay(console.Error, console.ErrorIsTerminal, console.Time))
        {
            McpOAuthOptions options = CliOptionsFactory.Create(cli, interactive: false, progress);
            using FileTokenStore store = CliStore.Open(cli, logging);
            IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, loggerFactory: logging);
            using (provider as IDisposable)
            {
                token = await provider.GetAccessTokenAsync(cli.ServerUri!, cancellationToken);
            }
        }

        if (token is null)
        {
            await console.Error.WriteLineAsync($"mcp-oauth: no valid login for {cli.ServerUri}; run: mcp-oauth login {cli.ServerUri}");
            return ExitCodes.LoginRequired;
        }

        // A token is server text too; one with control characters would be obeyed by a terminal, so it is not printed.
        if (token.Any(char.IsControl))
        {
            await console.Error.WriteLineAsync("mcp-oauth: the server issued an access token with control characters; it was not printed.");
            return ExitCodes.Failure;
        }

        await console.Out.WriteLineAsync(token);
        return ExitCodes.Success;
    }
}
