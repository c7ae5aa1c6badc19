using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth token</c>: prints a valid access token and nothing else on standard output, refreshing it if needed;
/// never opens a browser (exit code 3 when a login is needed).</summary>
internal static class TokenCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        string? token = await CliProvider.RunAsync(
            cli, console, logging, interactive: false, configure: null, provider => provider.GetAccessTokenAsync(cli.ServerUri!, cancellationToken).AsTask());

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
