using Microsoft.Extensions.Time.Testing;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>The test authorization server on a fake clock, and the SDK MCP server that accepts its tokens.</summary>
internal sealed class TestServersForProxy(FakeTimeProvider clock, TestAuthorizationServer authorization, ProtectedSdkMcpServer mcp)
    : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = clock;

    public TestAuthorizationServer Authorization { get; } = authorization;

    public ProtectedSdkMcpServer Mcp { get; } = mcp;

    public static async Task<TestServersForProxy> StartAsync()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        TestAuthorizationServer authorization = await TestAuthorizationServer.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.ScopesSupported = [ProtectedSdkMcpServer.ToolsScope, ProtectedSdkMcpServer.AdminScope];
        });
        ProtectedSdkMcpServer mcp = await ProtectedSdkMcpServer.StartAsync(
            authorization.Issuer,
            (token, resource) => authorization.IsAccessTokenValid(token, resource, out IReadOnlyCollection<string> scopes) ? scopes : null);
        return new TestServersForProxy(clock, authorization, mcp);
    }

    public async ValueTask DisposeAsync()
    {
        await Mcp.DisposeAsync();
        await Authorization.DisposeAsync();
    }
}
