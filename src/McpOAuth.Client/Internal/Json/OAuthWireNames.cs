namespace McpOAuth.Client.Internal;

/// <summary>OAuth and MCP wire names, once.</summary>
internal static class OAuthWireNames
{
    public const string Resource = "resource";
    public const string AuthorizationServers = "authorization_servers";
    public const string ScopesSupported = "scopes_supported";
    public const string ResourceMetadata = "resource_metadata";
    public const string BearerMethodsSupported = "bearer_methods_supported";
    public const string ResourceName = "resource_name";

    public const string Issuer = "issuer";
    public const string AuthorizationEndpoint = "authorization_endpoint";
    public const string TokenEndpoint = "token_endpoint";
    public const string RegistrationEndpoint = "registration_endpoint";
    public const string RevocationEndpoint = "revocation_endpoint";
    public const string DeviceAuthorizationEndpoint = "device_authorization_endpoint";
    public const string ResponseTypesSupported = "response_types_supported";
    public const string GrantTypesSupported = "grant_types_supported";
    public const string CodeChallengeMethodsSupported = "code_challenge_methods_supported";
    public const string TokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported";
    public const string ClientIdMetadataDocumentSupported = "client_id_metadata_document_supported";
    public const string AuthorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported";

    public const string AccessToken = "access_token";
    public const string TokenType = "token_type";
    public const string ExpiresIn = "expires_in";
    public const string RefreshToken = "refresh_token";
    public const string Scope = "scope";
    public const string Error = "error";
    public const string ErrorDescription = "error_description";
    public const string ErrorUri = "error_uri";

    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string ClientSecretExpiresAt = "client_secret_expires_at";
    public const string ClientName = "client_name";
    public const string ClientUri = "client_uri";
    public const string RedirectUris = "redirect_uris";
    public const string GrantTypes = "grant_types";
    public const string ResponseTypes = "response_types";
    public const string TokenEndpointAuthMethod = "token_endpoint_auth_method";
    public const string ApplicationType = "application_type";

    public const string ResponseType = "response_type";
    public const string RedirectUri = "redirect_uri";
    public const string State = "state";
    public const string CodeChallenge = "code_challenge";
    public const string CodeChallengeMethod = "code_challenge_method";
    public const string CodeVerifier = "code_verifier";
    public const string Code = "code";
    public const string GrantType = "grant_type";
    public const string Iss = "iss";
    public const string Token = "token";
    public const string TokenTypeHint = "token_type_hint";

    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    public const string DeviceCode = "device_code";
    public const string AuthorizationPending = "authorization_pending";
    public const string SlowDown = "slow_down";
    public const string AccessDenied = "access_denied";
    public const string ExpiredToken = "expired_token";

    public const string ClientCredentialsGrant = "client_credentials";
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string IdJagTokenType = "urn:ietf:params:oauth:token-type:id-jag";
    public const string IdTokenTokenType = "urn:ietf:params:oauth:token-type:id_token";
    public const string ClientAssertionTypeJwt = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const string AuthMethodPrivateKeyJwt = "private_key_jwt";
    public const string ClientAssertionType = "client_assertion_type";
    public const string ClientAssertion = "client_assertion";
    public const string RequestedTokenType = "requested_token_type";
    public const string Audience = "audience";
    public const string SubjectToken = "subject_token";
    public const string SubjectTokenType = "subject_token_type";
    public const string IssuedTokenType = "issued_token_type";
    public const string UnsupportedTokenType = "unsupported_token_type";
    public const string Assertion = "assertion";
    public const string Dpop = "DPoP";
    public const string UseDpopNonce = "use_dpop_nonce";

    public const string S256 = "S256";
    public const string AuthorizationCodeGrant = "authorization_code";
    public const string RefreshTokenGrant = "refresh_token";
    public const string OfflineAccess = "offline_access";
    public const string Bearer = "Bearer";
    public const string InsufficientScope = "insufficient_scope";
    public const string InvalidGrant = "invalid_grant";
    public const string InvalidClient = "invalid_client";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string AuthMethodNone = "none";
    public const string AuthMethodClientSecretBasic = "client_secret_basic";
    public const string AuthMethodClientSecretPost = "client_secret_post";
}
