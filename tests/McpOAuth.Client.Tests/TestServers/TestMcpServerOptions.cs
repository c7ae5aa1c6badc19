using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Behaviour of a <see cref="TestMcpServer"/>; every property may also be changed while it runs.</summary>
public sealed class TestMcpServerOptions
{
    /// <summary>Gets or sets the MCP endpoint path, e.g. <c>/mcp</c>, <c>/public/mcp</c>, or empty for the root.</summary>
    /// <value>The default is <c>/mcp</c>. Must be empty or start with <c>/</c>.</value>
    public string McpPath { get; set; } = "/mcp";

    /// <summary>Gets or sets where the protected resource metadata (RFC 9728) is served.</summary>
    /// <value>The default is <see cref="ProtectedResourceMetadataLocations.PathAware"/>.</value>
    public ProtectedResourceMetadataLocations MetadataLocations { get; set; } = ProtectedResourceMetadataLocations.PathAware;

    /// <summary>Gets or sets the path used with <see cref="ProtectedResourceMetadataLocations.Custom"/>, e.g. <c>/meta/prm.json</c>.</summary>
    public string? CustomMetadataPath { get; set; }

    /// <summary>Gets or sets the PRM <c>resource</c> and the resource tokens must be bound to.</summary>
    /// <value>The default is <see langword="null"/>: the exact MCP endpoint string, <see cref="TestMcpServer.McpEndpoint"/>.</value>
    public string? Resource { get; set; }

    /// <summary>Gets or sets the PRM <c>authorization_servers</c>.</summary>
    /// <value>The default is <see langword="null"/>: the current authorization server's issuer, or an empty list without one.</value>
    public IReadOnlyList<string>? AuthorizationServers { get; set; }

    /// <summary>Gets or sets the PRM <c>scopes_supported</c>; <see langword="null"/> omits the member.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<string>? ScopesSupported { get; set; }

    /// <summary>Gets or sets a hook that edits the PRM document before it is served (for hostile tests).</summary>
    public Action<JsonObject>? MutateMetadata { get; set; }

    /// <summary>Gets or sets a value indicating whether 401/403 challenges carry <c>resource_metadata</c>.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ChallengeIncludesResourceMetadata { get; set; } = true;

    /// <summary>Gets or sets a raw <c>resource_metadata</c> value for challenges (may be hostile: relative, <c>javascript:</c> …).</summary>
    /// <value>The default is <see langword="null"/>: the URL of the first served location (custom, then path-aware, then root).</value>
    public string? ResourceMetadataOverride { get; set; }

    /// <summary>Gets or sets a value indicating whether 401 challenges carry <c>scope</c>.</summary>
    /// <value>The default is <see langword="true"/> (omitted anyway when there is no scope to name).</value>
    public bool ChallengeIncludesScope { get; set; } = true;

    /// <summary>Gets or sets the <c>scope</c> of 401 challenges.</summary>
    /// <value>The default is <see langword="null"/>: the scopes required for the request's JSON-RPC method, else
    /// <see cref="ScopesSupported"/>.</value>
    public string? ChallengeScope { get; set; }

    /// <summary>Gets the scopes each JSON-RPC method requires; the key <c>*</c> applies to every request. A token
    /// lacking one gets 403 <c>insufficient_scope</c>.</summary>
    public IDictionary<string, IReadOnlyList<string>> RequiredScopes { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Gets or sets raw <c>WWW-Authenticate</c> field values for every 401 (one header field per item; an
    /// empty list sends no header).</summary>
    /// <value>The default is <see langword="null"/>: a generated Bearer challenge.</value>
    public IReadOnlyList<string>? UnauthorizedChallengeOverride { get; set; }

    /// <summary>Gets or sets raw <c>WWW-Authenticate</c> field values for every 403 <c>insufficient_scope</c>.</summary>
    /// <value>The default is <see langword="null"/>: a generated Bearer challenge.</value>
    public IReadOnlyList<string>? InsufficientScopeChallengeOverride { get; set; }

    /// <summary>Gets or sets a value indicating whether the MCP endpoint requires a valid bearer token.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RequireAuthorization { get; set; } = true;

    /// <summary>Gets or sets a validator <c>(token, resource) =&gt; scopes</c> that replaces the authorization server's
    /// (<see langword="null"/> result = invalid).</summary>
    public Func<string, string, IReadOnlyCollection<string>?>? TokenValidator { get; set; }

    /// <summary>Gets or sets an <c>Mcp-Session-Id</c> to return on MCP responses.</summary>
    /// <value>The default is <see langword="null"/>: no session header.</value>
    public string? SessionId { get; set; }

    /// <summary>Gets or sets the clock for request timestamps.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets a hook run first for every request; return <see langword="true"/> if it wrote the response.</summary>
    public Func<HttpContext, Task<bool>>? OnRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to a served PRM path; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnMetadataRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to the MCP endpoint, run before authentication; return
    /// <see langword="true"/> if handled (e.g. a redirect, an SSE stream, a fault).</summary>
    public Func<HttpContext, Task<bool>>? OnMcpRequest { get; set; }
}
