namespace McpOAuth.Client;

/// <summary>What client registration needs.</summary>
public sealed class ClientRegistrationRequest
{
    /// <summary>Gets the issuer identifier the registration is bound to (AUTH-24).</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the validated authorization server metadata.</summary>
    public required AuthorizationServerDocument AuthorizationServer { get; init; }

    /// <summary>Gets the redirect URI the flow will use; it must be registered (AUTH-23).</summary>
    public required Uri RedirectUri { get; init; }

    /// <summary>Gets the configured client settings.</summary>
    public required ClientRegistrationOptions Options { get; init; }

    /// <summary>Gets whether http to loopback hosts is allowed.</summary>
    public bool AllowHttpOnLoopback { get; init; }
}
