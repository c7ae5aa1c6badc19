using McpOAuth.Client.Tests.Builders;

namespace McpOAuth.Client.Tests.Registration;

public sealed class ClientRegistrationTests
{
    [Fact]
    public void ToString_WithSecret_LeavesTheSecretOut()
    {
        // LOG-04, REG-06
        ClientRegistration registration =
            TokenResponses.Preregistered("client_secret_basic", secret: "super-secret-value") with { Kind = ClientRegistrationKind.Dynamic };

        string text = registration.ToString();

        text.Should().NotContain("super-secret-value");
        text.Should().Contain("client-1");
        $"{registration}".Should().NotContain("super-secret-value");
    }
}
