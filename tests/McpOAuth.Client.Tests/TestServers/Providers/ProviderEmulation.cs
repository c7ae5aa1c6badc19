using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>One provider emulated on loopback (issue 12 item 4): its authorization server with the provider's documented quirks,
/// an MCP server that accepts its tokens, and the recipe of docs/providers.md as library options and as mcp-oauth arguments.
/// Free of the library tests' harness, so the CLI tests compile it in too.</summary>
internal sealed class ProviderEmulation : IAsyncDisposable
{
    public required string Name { get; init; }

    public required TestAuthorizationServer AuthorizationServer { get; init; }

    public required TestMcpServer McpServer { get; init; }

    /// <summary>Gets the library options of the recipe.</summary>
    public required Action<McpOAuthOptions> Recipe { get; init; }

    /// <summary>Gets the same recipe as <c>mcp-oauth login &lt;url&gt;</c> arguments; a secret is read from
    /// <see cref="SecretVariable"/>.</summary>
    public required IReadOnlyList<string> CliRecipe { get; init; }

    /// <summary>Gets the environment variable <c>--client-secret-env</c> names, with its value, for a confidential client.</summary>
    public (string Name, string Value)? SecretVariable { get; init; }

    /// <summary>Gets whether the provider issues refresh tokens under the recipe.</summary>
    public required bool IssuesRefreshTokens { get; init; }

    /// <summary>A test-server hook that answers every request it sees with one JSON body, as a provider's refusal.</summary>
    public static Func<HttpContext, Task<bool>> Answer(int statusCode, JsonObject body) => async context =>
    {
        await TestAuthorizationServer.WriteJsonAsync(context, statusCode, body.DeepClone());
        return true;
    };

    public async ValueTask DisposeAsync()
    {
        await McpServer.DisposeAsync();
        await AuthorizationServer.DisposeAsync();
    }
}
