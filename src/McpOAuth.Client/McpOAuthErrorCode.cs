namespace McpOAuth.Client;

/// <summary>Identifies why an MCP OAuth operation failed; the values are stable and safe to log.</summary>
public enum McpOAuthErrorCode
{
    /// <summary>An unexpected failure that has no more specific code.</summary>
    Unknown = 0,

    /// <summary>No protected resource or authorization server metadata could be discovered.</summary>
    DiscoveryFailed,

    /// <summary>The protected resource metadata names a resource other than the MCP server (RFC 9728 §3.3).</summary>
    ResourceMismatch,

    /// <summary>The authorization server metadata names an issuer other than the one it was fetched for (RFC 8414 §3.3).</summary>
    IssuerMismatch,

    /// <summary>The authorization server does not advertise PKCE with S256.</summary>
    PkceUnsupported,

    /// <summary>A URL is not https (or http to a loopback host), or uses a forbidden form.</summary>
    InsecureEndpoint,

    /// <summary>A document or response from a server is malformed or lacks a required member.</summary>
    InvalidResponse,

    /// <summary>A response body was larger than the allowed maximum.</summary>
    ResponseTooLarge,

    /// <summary>An outbound call or a wait did not complete in time.</summary>
    Timeout,

    /// <summary>No client registration option is available: configure a client id.</summary>
    ClientRegistrationRequired,

    /// <summary>The registration endpoint rejected the registration request (RFC 7591 §3.2.2).</summary>
    RegistrationFailed,

    /// <summary>The authorization response carried a <c>state</c> other than the one sent.</summary>
    StateMismatch,

    /// <summary>The authorization response <c>iss</c> is missing or differs from the recorded issuer (RFC 9207).</summary>
    IssuerParameterMismatch,

    /// <summary>The user or the authorization server denied the authorization request.</summary>
    AuthorizationDenied,

    /// <summary>The token endpoint rejected the request with an OAuth error (RFC 6749 §5.2).</summary>
    TokenRequestFailed,

    /// <summary>The token endpoint answered <c>invalid_grant</c>.</summary>
    InvalidGrant,

    /// <summary>The token endpoint answered <c>invalid_client</c>.</summary>
    InvalidClient,

    /// <summary>The MCP server keeps demanding scopes that authorization did not provide.</summary>
    InsufficientScope,

    /// <summary>The MCP server rejected a token that was just issued, or authorization was attempted too many times.</summary>
    AuthorizationLoop,

    /// <summary>A new interactive sign-in is needed but interactive flows are disabled.</summary>
    ReauthenticationRequired,

    /// <summary>The configured loopback callback port could not be opened (another program may be using it).</summary>
    CallbackPortUnavailable,

    /// <summary>An authorization server or metadata endpoint could not be reached.</summary>
    ServerUnreachable,

    /// <summary>The browser could not be launched.</summary>
    BrowserLaunchFailed,

    /// <summary>Device authorization was requested, but the authorization server has no device authorization endpoint.</summary>
    DeviceAuthorizationUnsupported,

    /// <summary>The configured grant is not among the authorization server's <c>grant_types_supported</c>, or is not configured
    /// completely (a client id, a secret or key, an assertion source).</summary>
    GrantNotSupported,

    /// <summary>The token store could not be read or written (a file system error, an unreachable or timed-out shared store, a locked
    /// or absent OS secret service); nothing was deleted, and tokens held in memory keep serving.</summary>
    StoreUnavailable,

    /// <summary>A hosted application's user must sign in (<see cref="McpOAuthSignInRequiredException"/>).</summary>
    SignInRequired,
}
