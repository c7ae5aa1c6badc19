namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Where <see cref="TestMcpServer"/> serves its RFC 9728 protected resource metadata document.</summary>
[Flags]
public enum ProtectedResourceMetadataLocations
{
    /// <summary>Serve no metadata document (every well-known path answers 404).</summary>
    None = 0,

    /// <summary>The path-aware URL <c>/.well-known/oauth-protected-resource{mcpPath}</c> (RFC 9728 §3.1).</summary>
    PathAware = 1,

    /// <summary>The root URL <c>/.well-known/oauth-protected-resource</c>.</summary>
    Root = 2,

    /// <summary>The path in <see cref="TestMcpServerOptions.CustomMetadataPath"/>.</summary>
    Custom = 4,
}
