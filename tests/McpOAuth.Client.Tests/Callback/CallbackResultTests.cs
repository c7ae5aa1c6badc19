namespace McpOAuth.Client.Tests.Callback;

public sealed class CallbackResultTests
{
    [Fact]
    public void ToString_Result_LeavesTheCodeOut()
    {
        // LOG-01, LOG-04
        var result = new CallbackResult { Code = "CODE-SECRET-1", Issuer = "https://auth.example.com" };

        result.ToString().Should().NotContain("CODE-SECRET-1").And.Contain("https://auth.example.com");
    }
}
