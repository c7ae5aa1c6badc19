using System.Text.Json.Nodes;
using McpOAuth.Client;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth status</c>: lists the stored logins without secrets.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, CancellationToken cancellationToken)
    {
        using FileTokenStore store = CliStore.Open(cli, logging: null);
        List<TokenSet> entries = [.. (await store.ListAsync(cancellationToken)).OrderBy(t => t.Resource, StringComparer.Ordinal)];
        if (cli.Json)
        {
            await console.Out.WriteLineAsync(CliText.ToJson(new JsonArray([.. entries.Select(t => (JsonNode)CliText.Describe(t))])));
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            await console.Out.WriteLineAsync($"No stored logins in {store.Directory}.");
            return ExitCodes.Success;
        }

        DateTimeOffset now = console.Time.GetUtcNow();
        foreach (TokenSet tokens in entries)
        {
            await console.Out.WriteLineAsync(CliText.Safe(tokens.Resource));
            await console.Out.WriteLineAsync($"  issuer: {CliText.Safe(tokens.Issuer)}");
            await console.Out.WriteLineAsync($"  client: {CliText.Safe(tokens.ClientId)}");
            await console.Out.WriteLineAsync($"  scopes: {CliText.Scopes(tokens.Scopes)}");
            await console.Out.WriteLineAsync($"  expires: {CliText.Format(tokens.ExpiresAt)}{(tokens.ExpiresAt < now ? " (expired)" : string.Empty)}");
            await console.Out.WriteLineAsync($"  refresh token: {(tokens.RefreshToken is null ? "no" : "yes")}");
        }

        return ExitCodes.Success;
    }
}
