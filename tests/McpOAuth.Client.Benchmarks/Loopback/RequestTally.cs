namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>The requests both servers received during one measured step, by kind.</summary>
public sealed class RequestTally
{
    public int McpUnauthorized { get; set; }

    public int McpAuthorized { get; set; }

    public int ProtectedResourceMetadata { get; set; }

    public int AuthorizationServerMetadata { get; set; }

    public int Registration { get; set; }

    public int Authorize { get; set; }

    public int TokenCode { get; set; }

    public int TokenRefresh { get; set; }

    public int OtherAuthorizationServer { get; set; }

    public int OtherMcpServer { get; set; }

    /// <summary>Gets the refresh tokens presented to the token endpoint (each should appear once).</summary>
    public List<string> PresentedRefreshTokens { get; } = [];

    /// <summary>Gets the requests that exist only because of OAuth: everything except MCP requests that carried a valid token.</summary>
    public int AuthRequests =>
        McpUnauthorized + ProtectedResourceMetadata + AuthorizationServerMetadata + Registration + Authorize + TokenCode + TokenRefresh
        + OtherAuthorizationServer + OtherMcpServer;

    /// <summary>Gets every request either server received.</summary>
    public int Total => AuthRequests + McpAuthorized;

    /// <summary>Gets discovery and registration requests (what a warm start must not make).</summary>
    public int DiscoveryAndRegistration => ProtectedResourceMetadata + AuthorizationServerMetadata + Registration;
}
