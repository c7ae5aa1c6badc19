namespace McpOAuth.Client;

/// <summary>Options for signing in to one MCP server (or one named <see cref="HttpClient"/>).</summary>
/// <remarks>Named options match the <see cref="HttpClient"/> name that <c>AddMcpOAuthHandler()</c> is added to. Defaults follow
/// the MCP authorization specification; each switch that relaxes a check is named for the server quirk it serves.</remarks>
public sealed class McpOAuthOptions
{
    /// <summary>Gets or sets the MCP server endpoint that tokens are for.</summary>
    /// <value>The default is <see langword="null"/>: the provider serves any server its requests go to, keeping tokens apart per
    /// resource.</value>
    /// <remarks>When set, the handler attaches tokens only to requests this server's resource identifies.</remarks>
    public Uri? ServerUri { get; set; }

    /// <summary>Gets or sets how tokens are obtained.</summary>
    /// <value>The default is <see cref="McpOAuthGrantType.Automatic"/>: the authorization code grant, unless the configuration
    /// and the authorization server's <c>grant_types_supported</c> call for a machine grant.</value>
    public McpOAuthGrantType GrantType { get; set; } = McpOAuthGrantType.Automatic;

    /// <summary>Gets or sets the source of the JWT for the RFC 7523 JWT bearer grant (workload identity federation), such as a
    /// platform-issued token whose audience is the authorization server.</summary>
    /// <value>The default is <see langword="null"/>. Setting it selects the JWT bearer grant under
    /// <see cref="McpOAuthGrantType.Automatic"/> when the server takes it.</value>
    /// <remarks>A failed token request is not retried with another assertion or grant.</remarks>
    public Func<AssertionContext, CancellationToken, ValueTask<string>>? AssertionProvider { get; set; }

    /// <summary>Gets the enterprise-managed authorization (ID-JAG) settings.</summary>
    public EnterpriseManagedAuthorizationOptions EnterpriseManaged { get; } = new();

    /// <summary>Gets or sets whether tokens are bound to a key with DPoP (RFC 9449).</summary>
    /// <value>The default is <see langword="false"/>: DPoP is used only when the MCP server demands it (a <c>DPoP</c> challenge
    /// without a <c>Bearer</c> one).</value>
    /// <remarks>With DPoP, each credential gets its own P-256 key, kept with the tokens in the store; token requests and every
    /// MCP request carry a fresh proof, and server nonces are honoured without starting a new sign-in.</remarks>
    public bool UseDpop { get; set; }

    /// <summary>Gets the settings of a hosted web application's redirect-based sign-in.</summary>
    public HostedSignInOptions Hosted { get; } = new();

    /// <summary>Gets the client registration settings: a pre-registered client, a Client ID Metadata Document, or dynamic registration.</summary>
    public ClientRegistrationOptions Client { get; } = new();

    /// <summary>Gets the scopes to request when the server's challenge names none.</summary>
    /// <value>The default is empty: the protected resource metadata's <c>scopes_supported</c> is used, else no scope (AUTH-26).</value>
    /// <remarks>Scopes named by a <c>WWW-Authenticate</c> challenge are always added (AUTH-27).</remarks>
    public IList<string> Scopes { get; } = [];

    /// <summary>Gets or sets whether <c>offline_access</c> is requested when the authorization server lists it.</summary>
    /// <value>The default is <see langword="true"/>. It is never requested when the server's <c>scopes_supported</c> lacks it (AUTH-31).</value>
    public bool RequestOfflineAccess { get; set; } = true;

    /// <summary>Gets or sets whether the RFC 8707 <c>resource</c> parameter is sent.</summary>
    /// <value>The default is <see langword="true"/>, as MCP requires (AUTH-34). Set it to <see langword="false"/> only for servers that
    /// reject it, such as Microsoft Entra ID.</value>
    public bool SendResourceParameter { get; set; } = true;

    /// <summary>Gets or sets whether the authorization server must advertise PKCE S256 in <c>code_challenge_methods_supported</c>.</summary>
    /// <value>The default is <see langword="true"/> (AUTH-13). Set it to <see langword="false"/> only for a server known to support
    /// S256 without saying so; S256 is always used either way.</value>
    public bool RequirePkceMetadata { get; set; } = true;

    /// <summary>Gets or sets whether plain http to loopback hosts is allowed for OAuth endpoints.</summary>
    /// <value>The default is <see langword="false"/>; http to loopback is still allowed when the MCP server itself is an http
    /// loopback URL (local development). Everything else must be https (AUTH-44).</value>
    public bool AllowHttpOnLoopback { get; set; }

    /// <summary>Gets or sets whether a server that publishes no protected resource metadata is treated as a 2025-03-26 server.</summary>
    /// <value>The default is <see langword="true"/>: the MCP server's origin is then the authorization server, with the default
    /// <c>/authorize</c>, <c>/token</c> and <c>/register</c> endpoints when it publishes no metadata either (AUTH-15).</value>
    public bool AllowLegacyDiscovery { get; set; } = true;

    /// <summary>Gets or sets whether an interactive (browser) sign-in may be started.</summary>
    /// <value>The default is <see langword="true"/>. When <see langword="false"/>, a needed sign-in throws
    /// <see cref="McpOAuthException"/> with <see cref="McpOAuthErrorCode.ReauthenticationRequired"/> instead.</value>
    public bool AllowInteractive { get; set; } = true;

    /// <summary>Gets or sets the hook that opens the authorization URL.</summary>
    /// <value>The default is <see langword="null"/>: the system browser (<c>$BROWSER</c> when set), started without a shell.</value>
    /// <remarks>The URL has already been checked (https, or http to loopback) when the hook is called.</remarks>
    public Func<BrowserLaunchContext, CancellationToken, ValueTask>? LaunchBrowser { get; set; }

    /// <summary>Gets or sets whether to sign in with the RFC 8628 device authorization grant instead of a browser redirect.</summary>
    /// <value>The default is <see langword="false"/>. When <see langword="true"/>, <see cref="ShowDeviceCode"/> must be set, and the
    /// authorization server must advertise <c>device_authorization_endpoint</c>.</value>
    /// <remarks>For SSH sessions, containers and other hosts whose browser cannot reach a loopback redirect URI. The user opens the
    /// verification URL on any device and types the code; the client polls the token endpoint at the server's interval,
    /// slowing down when told to, until approval, denial or expiry.</remarks>
    public bool UseDeviceAuthorization { get; set; }

    /// <summary>Gets or sets the hook that shows the user code and verification URL of a device authorization.</summary>
    /// <value>The default is <see langword="null"/>; required when <see cref="UseDeviceAuthorization"/> is set.</value>
    public Func<DeviceAuthorizationContext, CancellationToken, ValueTask>? ShowDeviceCode { get; set; }

    /// <summary>Gets or sets a callback told which stage a sign-in or refresh has reached, for progress displays.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    /// <remarks>It is called synchronously on the sign-in's path; keep it quick and never throw from it.</remarks>
    public Action<McpOAuthStage>? OnProgress { get; set; }

    /// <summary>Gets or sets the hook that chooses among several authorization servers.</summary>
    /// <value>The default is <see langword="null"/>: the first usable entry of <c>authorization_servers</c> (AUTH-08).</value>
    public Func<IReadOnlyList<string>, string?>? SelectAuthorizationServer { get; set; }

    /// <summary>Gets or sets the loopback port of the redirect URI.</summary>
    /// <value>The default is <see langword="null"/>: an ephemeral port. Allowed: 1 to 65535. A configured port that is taken fails
    /// the sign-in rather than moving to another port.</value>
    public int? CallbackPort { get; set; }

    /// <summary>Gets or sets the path of the loopback redirect URI.</summary>
    /// <value>The default is <c>/callback</c>.</value>
    public string CallbackPath { get; set; } = McpOAuthDefaults.CallbackPath;

    /// <summary>Gets or sets how long to wait for the user to finish signing in.</summary>
    /// <value>The default is 5 minutes. Allowed: 1 second to 1 hour.</value>
    public TimeSpan AuthorizationTimeout { get; set; } = McpOAuthDefaults.AuthorizationTimeout;

    /// <summary>Gets or sets the timeout of each call to an authorization server or metadata endpoint.</summary>
    /// <value>The default is 30 seconds. Allowed: 1 second to 5 minutes.</value>
    public TimeSpan HttpTimeout { get; set; } = McpOAuthDefaults.HttpTimeout;

    /// <summary>Gets or sets how long before expiry a cached access token is renewed.</summary>
    /// <value>The default is 60 seconds. Allowed: zero to ten minutes. Never more than half of a token's lifetime is used.</value>
    /// <remarks>Absorbs clock drift, so a token is never sent in its last seconds
    /// (<see href="https://datatracker.ietf.org/doc/html/rfc6749#section-5.1">RFC 6749 §5.1</see>).</remarks>
    public TimeSpan RefreshSkew { get; set; } = McpOAuthDefaults.RefreshSkew;

    /// <summary>Gets where calls to authorization servers and metadata endpoints may connect (SSRF protection).</summary>
    public NetworkPolicyOptions Network { get; } = new();

    /// <summary>Gets or sets the most authorizations one request may trigger (401 sign-in plus step-ups).</summary>
    /// <value>The default is 3. Allowed: 1 to 10 (AUTH-30).</value>
    public int MaxAuthorizationAttempts { get; set; } = 3;
}
