using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Tests.Flow;

public sealed class McpOAuthProviderFactoryTests
{
    [Fact]
    public void Create_InvalidOptions_ThrowsOptionsValidationExceptionNamingTheSetting()
    {
        var options = new McpOAuthOptions { ServerUri = new Uri("https://mcp.example.com/mcp"), CallbackPort = 70000 };

        Action act = () => McpOAuthProviderFactory.Create(options);

        OptionsValidationException ex = act.Should().Throw<OptionsValidationException>().Which;
        ex.OptionsType.Should().Be<McpOAuthOptions>();
        ex.Failures.Should().ContainSingle().Which.Should().Contain("CallbackPort");
    }

    [Fact]
    public void Create_SecretWithoutClientId_ThrowsOptionsValidationException()
    {
        var options = new McpOAuthOptions();
        options.Client.ClientSecret = "orphan-secret";

        Action act = () => McpOAuthProviderFactory.Create(options);

        OptionsValidationException ex = act.Should().Throw<OptionsValidationException>().Which;
        ex.Message.Should().NotContain("orphan-secret");
    }

    [Fact]
    public void Create_NullOptions_ThrowsArgumentNull()
    {
        Action act = () => McpOAuthProviderFactory.Create(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task Create_ValidOptions_ReturnsAProviderWithNoTokenYet()
    {
        using var handler = new TestDoubles.FakeHttpMessageHandler();
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(
            new McpOAuthOptions { ServerUri = new Uri("https://mcp.example.com/mcp") },
            backchannelHandler: handler);

        string? token = await provider.GetAccessTokenAsync(new Uri("https://mcp.example.com/mcp"));

        token.Should().BeNull();
        handler.Requests.Should().BeEmpty();
    }
}
