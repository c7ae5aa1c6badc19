namespace McpOAuth.Client.Tests.Http;

public sealed class McpOAuthChallengeTests
{
    [Fact]
    public void ToString_WithRejectedToken_LeavesTheTokenOut()
    {
        // LOG-01, LOG-04
        var challenge = new McpOAuthChallenge
        {
            RequestUri = new Uri("https://mcp.example.com/mcp"),
            StatusCode = 401,
            Error = "invalid_token",
            RejectedAccessToken = "AT-SECRET-1",
        };

        challenge.ToString().Should().NotContain("AT-SECRET-1").And.Contain("401");
    }
}
