namespace McpOAuth.Client.Tests.Pkce;

public sealed class PkcePairTests
{
    [Fact]
    public void ToString_Pair_LeavesTheVerifierOut()
    {
        // LOG-01, LOG-04: the verifier is a secret
        var pair = new PkcePair("verifier-secret-0123456789-0123456789-abcdef", "challenge-value");

        string text = pair.ToString();

        text.Should().NotContain("verifier-secret");
        $"{pair}".Should().NotContain("verifier-secret");
        text.Should().Contain("S256");
    }
}
