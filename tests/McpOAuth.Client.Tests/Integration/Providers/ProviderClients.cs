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
}
