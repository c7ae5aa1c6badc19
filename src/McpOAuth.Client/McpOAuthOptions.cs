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

    /// <summary>Gets the scopes always requested: added to the scopes a server's challenge names, and requested instead of the
    /// protected resource metadata's <c>scopes_supported</c> when the challenge names none.</summary>
    /// <value>The default is empty: the challenge's scopes, else the protected resource metadata's <c>scopes_supported</c>, else no
    /// scope (AUTH-26, AUTH-27).</value>
    /// <remarks>Put here what every sign-in needs whatever the server says, such as Microsoft Entra ID's
    /// <c>api://&lt;app-id&gt;/.default</c>, or <c>offline_access</c> for a pre-registered client (mcp-oauth: <c>--scope</c>).</remarks>
    public IList<string> Scopes { get; } = [];

    /// <summary>Gets or sets whether <c>offline_access</c> is added for a client that may use refresh tokens.</summary>
    /// <value>The default is <see langword="true"/>. It is added only when the authorization server lists it in <c>scopes_supported</c>
    /// (AUTH-31) and the client's grant types include <c>refresh_token</c>: the client this library registers dynamically. A
    /// pre-registered or metadata-document client's grant types are not known here; add <c>offline_access</c> to
    /// <see cref="Scopes"/> for it.</value>
    /// <remarks>An authorization request asking for <c>offline_access</c> also carries <c>prompt=consent</c>, which OpenID Connect
    /// Core §11 requires before a refresh token is issued, unless <see cref="AdditionalAuthorizationParameters"/> sets <c>prompt</c>.</remarks>
    public bool RequestOfflineAccess { get; set; } = true;

    /// <summary>Gets the extra parameters of the authorization request, such as <c>audience</c> (Auth0), <c>access_type</c> and
    /// <c>prompt</c> (Google) or <c>login_hint</c>.</summary>
    /// <value>The default is empty. Names are compared ordinally.</value>
    /// <remarks>They are sent on the authorization request and on the RFC 8628 device authorization request (mcp-oauth:
    /// <c>--auth-param NAME=VALUE</c>). The parameters the protocol sets (<c>response_type</c>, <c>client_id</c>,
    /// <c>redirect_uri</c>, <c>state</c>, <c>code_challenge</c>, <c>code_challenge_method</c>, <c>resource</c>, <c>scope</c>) and the
    /// ones that could replace them (<c>request</c>, <c>request_uri</c>, <c>response_mode</c>) are refused by validation: scopes go in
    /// <see cref="Scopes"/>, and <see cref="SendResourceParameter"/> turns <c>resource</c> off. A <c>prompt</c> set here replaces the
    /// <c>prompt=consent</c> sent with <c>offline_access</c>.</remarks>
    public IDictionary<string, string> AdditionalAuthorizationParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether the RFC 8707 <c>resource</c> parameter is sent.</summary>
    /// <value>The default is <see langword="true"/>, as MCP requires (AUTH-34). Set it to <see langword="false"/> (mcp-oauth:
    /// <c>--no-resource</c>) only for servers that reject it, such as Microsoft Entra ID v2, which answers <c>invalid_target</c>
    /// (AADSTS9010010) when <c>resource</c> and <c>scope</c> come together. Without it, refresh requests repeat the scope
    /// (see <see cref="SendScopeOnRefresh"/>).</value>
    public bool SendResourceParameter { get; set; } = true;

    /// <summary>Gets or sets whether a refresh request repeats the granted scopes.</summary>
    /// <value>The default is <see langword="false"/>: RFC 6749 §6 reads an omitted <c>scope</c> as "as originally granted", so
    /// a server that did not echo <c>offline_access</c> or that lists scopes with commas keeps refreshing. The scope is repeated
    /// anyway when <see cref="SendResourceParameter"/> is <see langword="false"/>: it is then all that names the resource
    /// (Microsoft Entra ID's v2 token endpoint requires it on refresh). Set this for another server that wants it.</value>
    public bool SendScopeOnRefresh { get; set; }

    /// <summary>Gets or sets whether the authorization server must advertise PKCE S256 in <c>code_challenge_methods_supported</c>.</summary>
    /// <value>The default is <see langword="true"/> (AUTH-13). Set it to <see langword="false"/> (mcp-oauth:
    /// <c>--allow-missing-pkce-metadata</c>) only for a server known to support S256 without saying so (Microsoft Entra ID,
    /// GitHub); S256 is always used either way.</value>
    public bool RequirePkceMetadata { get; set; } = true;

    /// <summary>Gets or sets whether the metadata of <see cref="ClientRegistrationOptions.Issuer"/> may declare its issuer with a
    /// <c>{tenantid}</c> placeholder in place of one path segment, as Microsoft Entra ID's multi-tenant <c>common</c>,
    /// <c>organizations</c> and <c>consumers</c> endpoints do.</summary>
    /// <value>The default is <see langword="false"/>: the declared issuer must equal the one the metadata was fetched for
    /// (RFC 8414 §3.3). Requires <see cref="ClientRegistrationOptions.Issuer"/>.</value>
    /// <remarks>Only the configured issuer is relaxed, and only when putting its own segment in place of <c>{tenantid}</c> gives
    /// exactly that issuer: the same origin, the same path, one placeholder. Every other server is compared byte for byte, and
    /// the endpoints still come from the configured issuer's own metadata.</remarks>
    public bool AllowTenantPlaceholderInIssuer { get; set; }

    /// <summary>Gets or sets whether plain http to loopback hosts is allowed for OAuth endpoints.</summary>
    /// <value>The default is <see langword="false"/>; http to loopback is still allowed when the MCP server itself is an http
    /// loopback URL (local development). Everything else must be https (AUTH-44).</value>
    public bool AllowHttpOnLoopback { get; set; }

    /// <summary>Gets or sets whether a server that publishes no protected resource metadata is treated as a 2025-03-26 server.</summary>
    /// <value>The default is <see langword="false"/>: such a server fails discovery with <see cref="McpOAuthErrorCode.DiscoveryFailed"/>,
    /// naming this option. When <see langword="true"/>, the MCP server's origin is the authorization server, with the default
    /// <c>/authorize</c>, <c>/token</c> and <c>/register</c> endpoints when it publishes no metadata either (AUTH-15).</value>
    /// <remarks>Opt-in because the fallback trusts the MCP server's origin as the authorization server without an RFC 9728
    /// document naming it, and with the default endpoints there is no metadata to check: PKCE S256 is still always sent, but
    /// the server's support for it is not verified (<see cref="RequirePkceMetadata"/> cannot apply). The 2025-06-18 and later
    /// MCP specifications require protected resource metadata.</remarks>
    public bool AllowLegacyDiscovery { get; set; }

    /// <summary>Gets or sets whether a credential is sent to every endpoint its <c>resource</c> identifies, instead of only to the
    /// endpoints it was obtained for.</summary>
    /// <value>The default is <see langword="false"/>: a credential serves the MCP endpoint (scheme, host, port and path) it was
    /// signed in for, so a server whose metadata names the bare origin or a path prefix as its <c>resource</c> gets no token for
    /// its neighbours under that prefix (RS-01); each of them signs in for itself. A 2025-03-26 server's credential is its
    /// origin's either way, as that revision defines.</value>
    /// <remarks>Set it only for a gateway whose every endpoint under the resource is one trust domain, so that one sign-in
    /// serves them all.</remarks>
    public bool ShareCredentialAcrossResource { get; set; }

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
    /// <value>The default is <see langword="null"/>: the first usable entry of <c>authorization_servers</c> (AUTH-08). An entry is
    /// passed over when its metadata cannot be found or is invalid, or when it cannot serve this client: the grant is not
    /// supported, <c>response_types_supported</c> lacks <c>code</c>, PKCE S256 is not advertised (see
    /// <see cref="RequirePkceMetadata"/>), device authorization is missing when <see cref="UseDeviceAuthorization"/> is set, or the
    /// configured client is bound to another issuer. When none can be used, the first entry's reason is reported.</value>
    /// <remarks>The hook receives the entries in order (at most 16) and returns one of them; its choice is used alone, without
    /// falling through, and returning <see langword="null"/> or an unlisted value fails the sign-in.</remarks>
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
