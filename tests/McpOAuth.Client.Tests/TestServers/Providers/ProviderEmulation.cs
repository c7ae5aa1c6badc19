namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>One provider emulated on loopback (issue 12 item 4): its authorization server with the provider's documented quirks,
/// an MCP server that accepts its tokens, and the recipe of docs/providers.md as library options and as mcp-oauth arguments.
/// Free of the library tests' harness, so the CLI tests compile it in too.</summary>
internal sealed class ProviderEmulation(TestAuthorizationServer authorizationServer, TestMcpServer mcpServer, ProviderRecipe recipe) : IAsyncDisposable
{
    public string Name => recipe.Name;

    public TestAuthorizationServer AuthorizationServer => authorizationServer;

    public TestMcpServer McpServer => mcpServer;

    /// <summary>Gets the library options of the recipe.</summary>
    public Action<McpOAuthOptions> Recipe => recipe.Options;

    /// <summary>Gets the same recipe as <c>mcp-oauth login &lt;url&gt;</c> arguments; a secret is read from
    /// <see cref="SecretVariable"/>.</summary>
    public IReadOnlyList<string> CliRecipe => recipe.Cli;

    /// <summary>Gets the environment variable <c>--client-secret-env</c> names, with its value, for a confidential client.</summary>
    public (string Name, string Value)? SecretVariable => recipe.SecretVariable;

    /// <summary>Gets whether the provider issues refresh tokens under the recipe.</summary>
    public bool IssuesRefreshTokens => recipe.IssuesRefreshTokens;

    /// <summary>Starts the provider's authorization server and an MCP server that accepts its tokens, then binds the recipe
    /// to them; what started is stopped again if a later step fails.</summary>
    /// <param name="provider">The provider's quirks.</param>
    /// <param name="started">Settings once both servers run (their options are live).</param>
    /// <param name="recipe">The recipe for the running authorization server (its issuer, for one).</param>
    public static async Task<ProviderEmulation> StartAsync(
        Action<TestAuthorizationServerOptions> provider, Action<TestAuthorizationServer, TestMcpServer> started, Func<TestAuthorizationServer, ProviderRecipe> recipe)
    {
        TestAuthorizationServer authorizationServer = await TestAuthorizationServer.StartAsync(provider);
        TestMcpServer? mcpServer = null;
        try
        {
            mcpServer = await TestMcpServer.StartAsync(authorizationServer);
            started(authorizationServer, mcpServer);
            return new ProviderEmulation(authorizationServer, mcpServer, recipe(authorizationServer));
        }
        catch
        {
            if (mcpServer is not null)
            {
                await mcpServer.DisposeAsync();
            }

            await authorizationServer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the emulation of one provider by its short name, as the recipe tests name them.</summary>
    public static Task<ProviderEmulation> StartAsync(string name) => name switch
    {
        "Entra" => EntraEmulation.StartAsync(),
        "GitHub" => GitHubEmulation.StartAsync(),
        "Auth0" => Auth0Emulation.StartAsync(),
        "Keycloak" => KeycloakEmulation.StartAsync(),
        "Google" => GoogleEmulation.StartAsync(),
        "Okta" => OktaEmulation.StartAsync(),
        "Cloudflare" => CloudflareEmulation.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No emulation of that provider."),
    };

    public async ValueTask DisposeAsync()
    {
        await McpServer.DisposeAsync();
        await AuthorizationServer.DisposeAsync();
    }
}
