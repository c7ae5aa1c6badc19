
namespace McpOAuth.Client.Tests.Tokens;

public sealed class TokenSetTests
{
    private static readonly DateTimeOffset Obtained = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToString_WithTokens_PrintsNeitherToken()
    {
        // LOG-04
        TokenSet tokens = Tokens(TimeSpan.FromHours(1)) with { AccessToken = "AT-SECRET-1", RefreshToken = "RT-SECRET-1" };

        string text = tokens.ToString();

        text.Should().NotContain("AT-SECRET-1").And.NotContain("RT-SECRET-1");
        $"{tokens}".Should().NotContain("AT-SECRET-1");
        text.Should().Contain("HasRefreshToken = True");
    }

    [Fact]
    public void ToString_WithRegistrationSecret_PrintsNoSecret()
    {
        // LOG-04
        TokenSet tokens = Tokens(TimeSpan.FromHours(1)) with
        {
            Registration = new ClientRegistration { ClientId = "c", ClientSecret = "CS-SECRET-1", TokenEndpointAuthMethod = "client_secret_basic", Issuer = "https://auth.example.com" },
        };

        tokens.ToString().Should().NotContain("CS-SECRET-1");
    }

    [Fact]
    public void IsUsableAt_NoExpiry_AlwaysUsable()
    {
        // REF-11: used until a 401
        TokenSet tokens = Tokens(lifetime: null);

        tokens.IsUsableAt(Obtained.AddYears(10), TimeSpan.FromMinutes(10)).Should().BeTrue();
    }

    [Theory]
    [InlineData(3599 - 60, true)]
    [InlineData(3600 - 60, false)]
    [InlineData(3600, false)]
    public void IsUsableAt_LongLifetime_FullSkewApplies(int secondsAfterObtained, bool expected)
    {
        // REF-11: renewed before the last RefreshSkew seconds
        TokenSet tokens = Tokens(TimeSpan.FromHours(1));

        tokens.IsUsableAt(Obtained.AddSeconds(secondsAfterObtained), TimeSpan.FromSeconds(60)).Should().Be(expected);
    }

    [Theory]
    [InlineData(29, true)]
    [InlineData(30, false)]
    public void IsUsableAt_SkewLongerThanHalfTheLifetime_CappedAtHalf(int secondsAfterObtained, bool expected)
    {
        // McpOAuthOptions.RefreshSkew: never more than half of a token's lifetime
        TokenSet tokens = Tokens(TimeSpan.FromSeconds(60));

        tokens.IsUsableAt(Obtained.AddSeconds(secondsAfterObtained), TimeSpan.FromMinutes(10)).Should().Be(expected);
    }

    [Fact]
    public void IsUsableAt_AlreadyExpiredAtIssue_NotUsable()
    {
        // TOK-03: expires_in <= 0
        TokenSet tokens = Tokens(TimeSpan.Zero);

        tokens.IsUsableAt(Obtained, TimeSpan.Zero).Should().BeFalse();
    }

    [Fact]
    public void IsUsableAt_ZeroSkew_UsableUntilTheExpiryInstant()
    {
        TokenSet tokens = Tokens(TimeSpan.FromMinutes(5));

        tokens.IsUsableAt(Obtained.AddMinutes(5).AddTicks(-1), TimeSpan.Zero).Should().BeTrue();
        tokens.IsUsableAt(Obtained.AddMinutes(5), TimeSpan.Zero).Should().BeFalse();
    }

    [Fact]
    public void IsUsableAt_ClockMovedBackwards_StillUsableButNeverPastExpiry()
    {
        // REF-11: moving the clock backwards does not make a known-expired token usable
        TokenSet tokens = Tokens(TimeSpan.FromMinutes(5));

        tokens.IsUsableAt(Obtained.AddMinutes(-30), TimeSpan.FromSeconds(60)).Should().BeTrue();
        tokens.IsUsableAt(Obtained.AddMinutes(6), TimeSpan.FromSeconds(60)).Should().BeFalse();
    }

    [Fact]
    public void Key_Tokens_IsResourceIssuerAndClient()
    {
        // AUTH-41, STORE-10
        TokenSet tokens = Tokens(null);

        tokens.Key.Should().Be(new TokenStoreKey("https://mcp.example.com/mcp", "https://auth.example.com", "client-1"));
    }

    private static TokenSet Tokens(TimeSpan? lifetime) =>
        TokenSets.Bearer("at") with { ObtainedAt = Obtained, ExpiresAt = lifetime is { } l ? Obtained + l : null };
}
