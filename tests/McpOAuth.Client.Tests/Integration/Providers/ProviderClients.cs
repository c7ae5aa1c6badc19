using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>Library clients for a <see cref="ProviderEmulation"/>: with its recipe, or with what a user tries first.</summary>
internal static class ProviderClients
{
    /// <summary>A client with the recipe (and any changes a test makes on top).</summary>
    public static McpClientHarness Client(this ProviderEmulation provider, Action<McpOAuthOptions>? change = null, TimeProvider? time = null, ITokenStore? store = null) =>
        McpClientHarness.Create(
            o =>
            {
                provider.Recipe(o);
                change?.Invoke(o);
            },
            time,
            tokenStore: store);

    /// <summary>A client with only the options a user would try first.</summary>
    public static McpClientHarness Default(Action<McpOAuthOptions>? change = null) => McpClientHarness.Create(change);

    /// <summary>Calls <c>tools/list</c> on the provider's MCP server and expects the sign-in to fail.</summary>
    /// <returns>The error the call threw.</returns>
    public static async Task<TException> CallFailsAsync<TException>(this McpClientHarness client, ProviderEmulation provider)
        where TException : Exception
    {
        Func<Task> act = () => client.CallAsync(provider.McpServer.McpUri, "tools/list");
        return (await act.Should().ThrowAsync<TException>()).Which;
    }
}
