namespace McpOAuth.Client;

/// <summary>What client registration needs.</summary>
public sealed class ClientRegistrationRequest
{
    /// <summary>Gets the issuer identifier the registration is bound to (AUTH-24).</summary>
    public required string Issuer { get; init; }

    /// <summary>Gets the validated authorization server metadata.</summary>
    public required AuthorizationServerDocument AuthorizationServer { get; init; }

    /// <summary>Gets the redirect URI the flow will use; it must be registered (AUTH-23). <see langword="null"/> for device
    /// authorization, which has no redirect.</summary>
    public Uri? RedirectUri { get; init; }

    /// <summary>Gets whether the client will use the RFC 8628 device authorization grant rather than a redirect.</summary>
    public bool DeviceAuthorization { get; init; }

    /// <summary>Gets the scopes a dynamic registration asks for (RFC 7591 §2 <c>scope</c>): those of the sign-in and those the
    /// resource advertises; empty to send none.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets the configured client settings.</summary>
    public required ClientRegistrationOptions Options { get; init; }

    /// <summary>Gets whether http to loopback hosts is allowed.</summary>
    internal bool AllowHttpOnLoopback { get; init; }
}
