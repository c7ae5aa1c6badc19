using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Client.Tests.Integration.Providers;

/// <summary>The recipe test every provider class inherits (issue 12 item 4): the <see cref="ProviderJourney"/> with the recipe
/// of docs/providers.md, then the provider's own checks of what the recipe put on the wire.</summary>
public abstract class ProviderRecipeTests
{
    [Fact]
    public async Task Recipe_SignInCallRefreshSignOut()
    {
        await using ProviderEmulation provider = await StartAsync();

        TokenSet signedIn = await ProviderJourney.RunAsync(provider, new FakeTimeProvider());

        using (new AssertionScope(provider.Name))
        {
            AssertRecipeOnTheWire(provider, signedIn);
        }
    }

    /// <summary>Starts the provider's emulation.</summary>
    private protected abstract Task<ProviderEmulation> StartAsync();

    /// <summary>The provider's checks after the journey; <paramref name="signedIn"/> holds the tokens of the sign-in.</summary>
    private protected abstract void AssertRecipeOnTheWire(ProviderEmulation provider, TokenSet signedIn);
}
