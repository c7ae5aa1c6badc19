
namespace McpOAuth.Client.Tests.Registration;

public sealed class ClientRegistrationTests
{
    [Fact]
    public void ToString_WithSecret_LeavesTheSecretOut()
    {
        // LOG-04, REG-06
        ClientRegistration registration = Clients.DynamicWithSecret("client-1", "super-secret-value");

        string text = registration.ToString();

        text.Should().NotContain("super-secret-value");
        text.Should().Contain("client-1");
        $"{registration}".Should().NotContain("super-secret-value");
    }
}
