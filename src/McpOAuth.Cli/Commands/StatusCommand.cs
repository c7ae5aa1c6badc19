using System.Text.Json.Nodes;
using McpOAuth.Client;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth status</c>: lists the stored logins without secrets.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliArguments cli, CliConsole console, CancellationToken cancellationToken)
    {
        ITokenStore store = CliStore.Open(cli, logging: null);
        try
        {
            return await PrintAsync(cli, console, store, cancellationToken);
        }
        finally
        {
            await CliStore.CloseAsync(store);
        }
    }

    private static async Task<int> PrintAsync(CliArguments cli, CliConsole console, ITokenStore store, CancellationToken cancellationToken)
    {
        List<TokenSet> entries = [.. (await store.ListAsync(cancellationToken)).OrderBy(t => t.Resource, StringComparer.Ordinal)];
        if (cli.Json)
        {
            var array = new JsonArray();
            foreach (TokenSet tokens in entries)
            {
                JsonObject described = CliText.Describe(tokens);
                described["protection"] = await CliStore.ProtectionOfAsync(store, tokens, cancellationToken);
                array.Add((JsonNode)described);
            }

            await console.Out.WriteLineAsync(CliText.ToJson(array));
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            await console.Out.WriteLineAsync($"No stored logins in {CliStore.Describe(cli, store)}.");
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
            await console.Out.WriteLineAsync($"  protection: {await CliStore.ProtectionOfAsync(store, tokens, cancellationToken)}");
        }

        return ExitCodes.Success;
    }
}
