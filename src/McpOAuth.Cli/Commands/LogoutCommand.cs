using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth logout</c>: revokes at the server (RFC 7009) and deletes locally, for one server or <c>--all</c>.</summary>
internal static class LogoutCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        SignOutResult result = await CliProvider.RunAsync(
            cli,
            console,
            logging,
            interactive: false,
            (options, _) => options.ServerUri = null, // logout --all spans servers; a URL filter is passed to SignOutAsync instead.
            provider => provider.SignOutAsync(cli.All ? null : cli.ServerUri, cancellationToken));

        if (result.Removed.Count == 0)
        {
            await console.Out.WriteLineAsync(cli.All ? "No stored logins." : $"No stored login for {cli.ServerUri}.");
            return ExitCodes.Success;
        }

        foreach (TokenStoreKey key in result.Removed)
        {
            string outcome = result.RevocationFailures.TryGetValue(key, out string? why)
                ? $"deleted locally; revocation at the server failed ({CliText.SafeMessage(why)})"
                : result.RevocationUnsupported.Contains(key)
                    ? "deleted locally; the server offers no revocation endpoint"
                    : "revoked at the server and deleted";
            await console.Out.WriteLineAsync($"Signed out of {CliText.Safe(key.Resource)} (issuer {CliText.Safe(key.Issuer)}): {outcome}.");
        }

        return result.RevocationFailures.Count > 0 ? ExitCodes.RevocationFailed : ExitCodes.Success;
    }
}
