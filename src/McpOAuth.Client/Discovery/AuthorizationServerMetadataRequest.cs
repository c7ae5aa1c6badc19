namespace McpOAuth.Client;

/// <summary>What authorization server metadata discovery needs.</summary>
public sealed class AuthorizationServerMetadataRequest
{
    /// <summary>Gets the issuer identifier, exactly as listed in <c>authorization_servers</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets whether this is a 2025-03-26 server without protected resource metadata: only the RFC 8414 URL at the
    /// origin is tried, with an <c>MCP-Protocol-Version</c> header (AUTH-15).</summary>
    internal bool Legacy { get; init; }

    /// <summary>Gets whether a cached document must be ignored.</summary>
    internal bool BypassCache { get; init; }

    /// <summary>Gets whether http to loopback hosts is allowed.</summary>
    internal bool AllowHttpOnLoopback { get; init; }

    /// <summary>Gets whether the metadata may declare this issuer with a <c>{tenantid}</c> placeholder
    /// (<see cref="McpOAuthOptions.AllowTenantPlaceholderInIssuer"/>, for the configured issuer only).</summary>
    internal bool AllowTenantPlaceholder { get; init; }
}
