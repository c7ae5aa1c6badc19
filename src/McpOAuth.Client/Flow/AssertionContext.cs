namespace McpOAuth.Client;

/// <summary>What an assertion or ID token source is told when the library needs one.</summary>
public sealed class AssertionContext
{
    /// <summary>Gets the MCP authorization server's issuer: the audience an assertion must carry.</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the MCP server's resource identifier.</summary>
    public required string Resource { get; init; }

    /// <summary>Gets the MCP authorization server's token endpoint.</summary>
    public required Uri TokenEndpoint { get; init; }
}
