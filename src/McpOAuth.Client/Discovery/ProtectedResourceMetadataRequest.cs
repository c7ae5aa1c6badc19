namespace McpOAuth.Client;

/// <summary>What protected resource metadata discovery needs.</summary>
public sealed class ProtectedResourceMetadataRequest
{
    /// <summary>Gets the MCP server URL the request went to.</summary>
    public required Uri ServerUri { get; init; }

    /// <summary>Gets the <c>resource_metadata</c> URL from the server's challenge, if any (AUTH-04).</summary>
    public string? ResourceMetadataUri { get; init; }

    /// <summary>Gets whether a cached document must be ignored (after a token was rejected).</summary>
    internal bool BypassCache { get; init; }

    /// <summary>Gets whether http to loopback hosts is allowed.</summary>
    internal bool AllowHttpOnLoopback { get; init; }
}
