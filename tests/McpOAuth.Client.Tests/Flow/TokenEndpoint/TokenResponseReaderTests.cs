using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.TokenEndpoint;

/// <summary>Reading a token response (TOK-01..TOK-04) with the real-world shapes of issue 12 item 1.</summary>
public sealed class TokenResponseReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("repo,gist", new[] { "repo", "gist" })] // GitHub
    [InlineData("repo,read:org,", new[] { "repo", "read:org" })]
    [InlineData("mcp:read mcp:write", new[] { "mcp:read", "mcp:write" })] // RFC 6749 §3.3
    [InlineData("  mcp:read  ", new[] { "mcp:read" })]
    [InlineData("a,b c", new[] { "a,b", "c" })] // space-separated wins: a comma is a legal scope character
    public void Read_GrantedScope_SplitIntoScopes(string granted, string[] expected)
    {
        TokenSet tokens = TokenResponseReader.Read(Body(scope: granted), Context([]), previousRefreshToken: null, Now, []);

        tokens.Scopes.Should().Equal(expected);
    }

    [Fact]
    public void Read_CommaScopeThatWasRequestedAsOne_KeptWhole()
    {
        // A comma is a legal scope character (RFC 6749 §3.3): a scope asked for with one is not taken apart.
        TokenSet tokens = TokenResponseReader.Read(Body(scope: "urn:x:a,b"), Context(["urn:x:a,b"]), previousRefreshToken: null, Now, []);

        tokens.Scopes.Should().Equal("urn:x:a,b");
    }

    [Fact]
    public void Read_ColonSeparatedAccessAndRefreshTokens_Accepted()
    {
        // Cloudflare workers-oauth-provider issues userId:grantId:secret for both (issue 12 item 1).
        TokenSet tokens = TokenResponseReader.Read(
            Body(accessToken: "user-1:grant-2:secret-3", refreshToken: "user-1:grant-2:refresh-4"), Context([]), previousRefreshToken: null, Now, []);

        tokens.AccessToken.Should().Be("user-1:grant-2:secret-3");
        tokens.RefreshToken.Should().Be("user-1:grant-2:refresh-4");
    }

    private static TokenEndpointResponse Body(string accessToken = "at-1", string? refreshToken = null, string? scope = null) => new()
    {
        AccessToken = accessToken,
        TokenType = "Bearer",
        RefreshToken = refreshToken,
        Scope = scope,
    };

    private static TokenRequestContext Context(IReadOnlyList<string> scopes) => new(
        new Uri("https://auth.example.com/token"),
        new ClientAuthentication(new ClientRegistration { ClientId = "c", TokenEndpointAuthMethod = "none", Issuer = "https://auth.example.com" }),
        "https://mcp.example.com/mcp",
        "https://mcp.example.com/mcp",
        scopes);
}
