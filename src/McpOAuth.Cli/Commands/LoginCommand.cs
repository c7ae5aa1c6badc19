using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth login</c>: signs in (browser, pasted redirect or device code) and stores the tokens.</summary>
internal static class LoginCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        TokenSet tokens = await CliProvider.RunAsync(
            cli,
            console,
            logging,
            interactive: true,
            (options, progress) => SignInPrompts.Configure(options, cli, console, progress),
            provider => provider.SignInAsync(cli.ServerUri!, cli.Scopes.Count > 0 ? cli.Scopes : null, cancellationToken));

        if (cli.Json)
        {
            await console.Out.WriteLineAsync(CliText.ToJson(CliText.Describe(tokens)));
            return ExitCodes.Success;
        }

        await console.Out.WriteLineAsync(
            $"Signed in to {CliText.Safe(tokens.Resource)} (issuer {CliText.Safe(tokens.Issuer)}, client {CliText.Safe(tokens.ClientId)}).");
        await console.Out.WriteLineAsync(
            $"  scopes: {CliText.Scopes(tokens.Scopes)}; expires: {CliText.Format(tokens.ExpiresAt)}; refresh token: {(tokens.RefreshToken is null ? "no" : "yes")}");
        return ExitCodes.Success;
    }
}
