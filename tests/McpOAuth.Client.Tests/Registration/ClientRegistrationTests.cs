namespace McpOAuth.Client.Tests.Registration;

public sealed class ClientRegistrationTests
{
    [Fact]
    public void ToString_WithSecret_LeavesTheSecretOut()
    {
        // LOG-04, REG-06
        var registration = new ClientRegistration
        {
            ClientId = "client-1",
            ClientSecret = "super-secret-value",
            TokenEndpointAuthMethod = "client_secret_basic",
            Issuer = "https://auth.example.com",
            Kind = ClientRegistrationKind.Dynamic,
        };

        string text = registration.ToString();

        text.Should().NotContain("super-secret-value");
        text.Should().Contain("client-1");
        $"{registration}".Should().NotContain("super-secret-value");
    }
}
