namespace McpOAuth.Client.Tests.Callback;

public sealed class CallbackListenRequestTests
{
    [Fact]
    public void ToString_Request_LeavesTheStateOut()
    {
        // LOG-01: state is a secret
        var request = new CallbackListenRequest { State = "STATE-SECRET-1", ExpectedIssuer = "https://auth.example.com", Port = 8080 };

        request.ToString().Should().NotContain("STATE-SECRET-1").And.Contain("8080");
    }

    [Fact]
    public void Defaults_NewRequest_CallbackPathEphemeralPortAndFiveMinutes()
    {
        var request = new CallbackListenRequest { State = "s", ExpectedIssuer = "https://auth.example.com" };

        request.Path.Should().Be("/callback");
        request.Port.Should().Be(0);
        request.Timeout.Should().Be(TimeSpan.FromMinutes(5));
        request.IssuerParameterRequired.Should().BeFalse();
        request.AllowPortFallback.Should().BeFalse();
    }
}
