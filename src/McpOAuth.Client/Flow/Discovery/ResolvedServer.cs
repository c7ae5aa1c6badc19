namespace McpOAuth.Client.Internal;

/// <summary>Where a resource's tokens come from: the validated resource, the chosen authorization server and its metadata.</summary>
/// <param name="Resource">The resource identifier (the PRM's <c>resource</c>, or the canonical server URL for a 2025-03-26 server).</param>
/// <param name="ResourceUri">The resource as a URL, used to match requests.</param>
/// <param name="Issuer">The chosen authorization server's issuer.</param>
/// <param name="Server">Its metadata (or the 2025-03-26 default endpoints).</param>
/// <param name="Metadata">The protected resource metadata, or null for a 2025-03-26 server.</param>
/// <param name="DefaultEndpoints">True when the server published no metadata and the 2025-03-26 defaults are used.</param>
/// <param name="AllowHttp">Whether http to loopback is allowed for this server's OAuth endpoints.</param>
/// <param name="Endpoint">The endpoint the sign-in is for, as <see cref="CredentialEndpoints.For"/> writes it (RS-01).</param>
internal sealed record ResolvedServer(
    string Resource,
    Uri ResourceUri,
    string Issuer,
    AuthorizationServerDocument Server,
    ProtectedResourceDocument? Metadata,
    bool DefaultEndpoints,
    bool AllowHttp,
    string Endpoint);
