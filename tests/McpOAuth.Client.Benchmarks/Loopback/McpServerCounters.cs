namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>What the protected MCP server has answered, counted without locks.</summary>
public sealed class McpServerCounters
{
    private int _unauthorized;
    private int _authorized;
    private int _protectedResourceMetadata;
    private int _other;

    public void CountUnauthorized() => Interlocked.Increment(ref _unauthorized);

    public void CountAuthorized() => Interlocked.Increment(ref _authorized);

    public void CountProtectedResourceMetadata() => Interlocked.Increment(ref _protectedResourceMetadata);

    public void CountOther() => Interlocked.Increment(ref _other);

    public McpCounts Read() => new(
        Volatile.Read(ref _unauthorized),
        Volatile.Read(ref _authorized),
        Volatile.Read(ref _protectedResourceMetadata),
        Volatile.Read(ref _other));
}

public readonly record struct McpCounts(int Unauthorized, int Authorized, int ProtectedResourceMetadata, int Other);

public readonly record struct ServerSnapshot(int AuthorizationRequests, McpCounts Mcp);
