using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Behaviour of a <see cref="TestAuthorizationServer"/>; every property may also be changed while it runs.</summary>
public sealed class TestAuthorizationServerOptions
{
    /// <summary>Gets or sets the path appended to the origin to form the issuer, e.g. <c>/tenant1</c>.</summary>
    /// <value>The default is empty (issuer = <c>http://127.0.0.1:PORT</c>). Must be empty or start with <c>/</c>;
    /// a trailing <c>/</c> is kept in the issuer but dropped when building endpoint and well-known paths.</value>
    public string IssuerPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the well-known paths that serve the metadata document.</summary>
    /// <value>The default is <see cref="AuthorizationServerMetadataPaths.OAuthPathInsertion"/> only.</value>
    public AuthorizationServerMetadataPaths MetadataPaths { get; set; } = AuthorizationServerMetadataPaths.OAuthPathInsertion;

    /// <summary>Gets or sets the <c>issuer</c> written into the metadata instead of the real one (for mismatch tests).</summary>
    /// <value>The default is <see langword="null"/>: the real <see cref="TestAuthorizationServer.Issuer"/>.</value>
    public string? IssuerOverride { get; set; }

    /// <summary>Gets or sets <c>code_challenge_methods_supported</c>; <see langword="null"/> omits the member.</summary>
    /// <value>The default is <c>["S256"]</c>.</value>
    public IReadOnlyList<string>? CodeChallengeMethodsSupported { get; set; } = ["S256"];

    /// <summary>Gets or sets <c>scopes_supported</c>; <see langword="null"/> omits the member.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<string>? ScopesSupported { get; set; }

    /// <summary>Gets or sets <c>grant_types_supported</c>; <see langword="null"/> omits the member.</summary>
    /// <value>The default is <c>["authorization_code", "refresh_token"]</c>.</value>
    public IReadOnlyList<string>? GrantTypesSupported { get; set; } = ["authorization_code", "refresh_token"];

    /// <summary>Gets or sets <c>token_endpoint_auth_methods_supported</c>; <see langword="null"/> omits the member.</summary>
    /// <value>The default is <c>["none"]</c>.</value>
    public IReadOnlyList<string>? TokenEndpointAuthMethodsSupported { get; set; } = ["none"];

    /// <summary>Gets or sets a value indicating whether <c>/register</c> exists and is advertised.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RegistrationEnabled { get; set; } = true;

    /// <summary>Gets or sets the <c>token_endpoint_auth_method</c> that registration assigns regardless of the request.</summary>
    /// <value>The default is <see langword="null"/>: echo the requested method, or <c>client_secret_basic</c> when the
    /// request omits it (the RFC 7591 §2 default).</value>
    public string? RegistrationTokenEndpointAuthMethod { get; set; }

    /// <summary>Gets or sets a value indicating whether registration returns a <c>client_secret</c> even for <c>none</c>.</summary>
    /// <value>The default is <see langword="false"/>: a secret is issued only for <c>client_secret_post</c> and
    /// <c>client_secret_basic</c>.</value>
    public bool RegistrationIssuesClientSecret { get; set; }

    /// <summary>Gets or sets a hook that edits each registration response before it is sent (for hostile tests).</summary>
    public Action<JsonObject>? MutateRegistrationResponse { get; set; }

    /// <summary>Gets the clients known before any registration.</summary>
    public IList<TestClientRegistration> PreRegisteredClients { get; } = [];

    /// <summary>Gets or sets a value indicating whether metadata says <c>client_id_metadata_document_supported: true</c>
    /// and URL-form client ids (https, or http on a loopback literal) are accepted.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ClientIdMetadataDocumentSupported { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>/authorize</c> fetches a URL-form client id's metadata document
    /// and uses its <c>redirect_uris</c> and <c>token_endpoint_auth_method</c>.</summary>
    /// <value>The default is <see langword="false"/>: any loopback redirect URI is accepted for such clients.</value>
    public bool FetchClientIdMetadataDocuments { get; set; }

    /// <summary>Gets or sets <c>authorization_response_iss_parameter_supported</c> (RFC 9207).</summary>
    /// <value>The default is <see langword="true"/>. <see langword="false"/> omits the member.</value>
    public bool IssParameterSupported { get; set; } = true;

    /// <summary>Gets or sets what the <c>iss</c> parameter of redirects from <c>/authorize</c> carries.</summary>
    /// <value>The default is <see cref="IssRedirectMode.Correct"/>.</value>
    public IssRedirectMode IssInRedirect { get; set; } = IssRedirectMode.Correct;

    /// <summary>Gets or sets the <c>iss</c> value used with <see cref="IssRedirectMode.Custom"/>.</summary>
    public string? IssInRedirectValue { get; set; }

    /// <summary>Gets or sets an error code that <c>/authorize</c> redirects with instead of a code, e.g. <c>access_denied</c>.</summary>
    /// <value>The default is <see langword="null"/>: approve.</value>
    public string? AuthorizeError { get; set; }

    /// <summary>Gets or sets the <c>error_description</c> sent with <see cref="AuthorizeError"/>.</summary>
    public string? AuthorizeErrorDescription { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>/authorize</c> requires <c>code_challenge</c>.</summary>
    /// <value>The default is <see langword="true"/>. <c>plain</c> is always rejected.</value>
    public bool RequirePkce { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether <c>/authorize</c> requires the RFC 8707 <c>resource</c> parameter.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RequireResource { get; set; }

    /// <summary>Gets or sets a function mapping the requested scope string (maybe <see langword="null"/>) to the granted one.</summary>
    /// <value>The default is <see langword="null"/>: grant exactly what was requested.</value>
    public Func<string?, string?>? GrantScope { get; set; }

    /// <summary>Gets or sets how long authorization codes live.</summary>
    /// <value>The default is 10 minutes.</value>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long access tokens live; sent as <c>expires_in</c>.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether the token endpoint issues refresh tokens.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IssueRefreshTokens { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether each refresh returns a new refresh token and invalidates the old one.
    /// Reusing a rotated token revokes the whole family and answers <c>invalid_grant</c> (RFC 9700 §4.14.2).</summary>
    /// <value>The default is <see langword="true"/>. When <see langword="false"/>, refresh responses omit
    /// <c>refresh_token</c> and the old one stays valid.</value>
    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>Gets or sets how long refresh tokens live.</summary>
    /// <value>The default is <see langword="null"/>: they never expire.</value>
    public TimeSpan? RefreshTokenLifetime { get; set; }

    /// <summary>Gets or sets a hook that edits each successful token response before it is sent.</summary>
    public Action<JsonObject>? MutateTokenResponse { get; set; }

    /// <summary>Gets or sets a function deciding at <c>/authorize</c> whether the grant gets refresh tokens, from the authorization
    /// request (Google: <c>access_type=offline</c> with <c>prompt=consent</c>; Okta and Entra: <c>offline_access</c>).</summary>
    /// <value>The default is <see langword="null"/>: every grant does (when <see cref="IssueRefreshTokens"/> is set).</value>
    public Func<RecordedRequest, bool>? IssueRefreshTokenWhen { get; set; }

    /// <summary>Gets or sets a function that shapes every new access and refresh token value, e.g. Cloudflare
    /// workers-oauth-provider's <c>userId:grantId:secret</c>.</summary>
    /// <value>The default is <see langword="null"/>: <c>at-…</c> and <c>rt-…</c>.</value>
    public Func<string, string>? ShapeToken { get; set; }

    /// <summary>Gets or sets a value indicating whether token endpoint errors are sent with HTTP 200, as GitHub does.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool TokenErrorsWithStatus200 { get; set; }

    /// <summary>Gets or sets a value indicating whether the token endpoint answers
    /// <c>application/x-www-form-urlencoded</c> unless the request accepts <c>application/json</c>, as GitHub does.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool FormEncodedTokenResponsesUnlessJsonAccepted { get; set; }

    /// <summary>Gets or sets a value indicating whether redirect URIs are compared exactly, port included, even on loopback
    /// (Okta), instead of RFC 8252 §7.3's any-port rule.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ExactRedirectUriMatching { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>/revoke</c> (RFC 7009) exists and is advertised.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RevocationEnabled { get; set; }

    /// <summary>Gets or sets whether RFC 8628 device authorization is offered (and advertised).</summary>
    public bool DeviceAuthorizationEnabled { get; set; }

    /// <summary>Gets or sets the polling interval the device authorization response names.</summary>
    public TimeSpan DeviceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long device codes live.</summary>
    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how many first polls of each device code are answered <c>slow_down</c>.</summary>
    public int DeviceSlowDownPolls { get; set; }

    /// <summary>Gets or sets the clock for code and token expiry and request timestamps.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets a hook that edits the metadata document before it is served (for hostile tests).</summary>
    public Action<JsonObject>? MutateMetadata { get; set; }

    /// <summary>Gets or sets a hook run first for every request; return <see langword="true"/> if it wrote the response.</summary>
    public Func<HttpContext, Task<bool>>? OnRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to a served metadata path; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnMetadataRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to <c>/authorize</c>; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnAuthorizeRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to <c>/token</c>; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnTokenRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to <c>/register</c>; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnRegistrationRequest { get; set; }

    /// <summary>Gets or sets a hook for requests to <c>/revoke</c>; return <see langword="true"/> if handled.</summary>
    public Func<HttpContext, Task<bool>>? OnRevocationRequest { get; set; }
}
