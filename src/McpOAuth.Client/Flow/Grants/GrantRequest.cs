namespace McpOAuth.Client.Internal;

/// <summary>One sign-in: the session it fills, the servers behind it, the scopes, and how to authorize.</summary>
/// <param name="Session">The session of the resource.</param>
/// <param name="Server">The resolved resource and authorization server.</param>
/// <param name="Scopes">The scopes requested and sent.</param>
/// <param name="DemandsDpop">The MCP server's challenge was DPoP only (RFC 9449 §7.1).</param>
/// <param name="ReuseKnownClient">Whether a dynamically registered client from before may be reused; false on the one retry
/// after the server forgot it.</param>
internal sealed record GrantRequest(ServerSession Session, ResolvedServer Server, ScopeSelection Scopes, bool DemandsDpop, bool ReuseKnownClient)
{
    public string Issuer => Server.Issuer;

    public string Resource => Server.Resource;
}
