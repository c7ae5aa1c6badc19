namespace McpOAuth.Client.Internal;

/// <summary>
/// Whether a discovered authorization server can serve this client's sign-in, and if not, why, in words that name the fix. Only
/// what the metadata and the options decide is checked here; whether a client can be registered is the registrar's call.
/// </summary>
internal static class ServerSuitability
{
    /// <summary>The reason the server cannot be used, or null when it can.</summary>
    public static McpOAuthException? ProblemWith(McpOAuthOptions options, string issuer, AuthorizationServerDocument server, bool defaultEndpoints)
    {
        McpOAuthGrantType grant;
        try
        {
            grant = GrantSelector.Select(options, server);
        }
        catch (McpOAuthException ex)
        {
            return ex;
        }

        ClientRegistrationOptions client = options.Client;
        if (!string.IsNullOrEmpty(client.ClientId) && client.Issuer is { } bound && !string.Equals(bound, issuer, StringComparison.Ordinal))
        {
            return new McpOAuthException(
                McpOAuthErrorCode.ClientRegistrationRequired,
                $"The configured client id belongs to the issuer '{SafeText.Escape(bound)}', but the server uses '{SafeText.Escape(issuer)}'; it was not sent. Configure a client id for that authorization server (McpOAuthOptions.Client.ClientId and Client.Issuer; mcp-oauth: --client-id ID --issuer URL).");
        }

        if (grant != McpOAuthGrantType.AuthorizationCode)
        {
            return null;
        }

        return options.UseDeviceAuthorization ? DeviceProblem(issuer, server) : CodeFlowProblem(options, issuer, server, defaultEndpoints);
    }

    /// <summary>AUTH-13, AUTH-33: PKCE S256 advertised unless the caller opted out; <c>code</c> among the response types when the
    /// server lists them (RFC 8414 §2). The 2025-03-26 default endpoints have no metadata to check.</summary>
    public static McpOAuthException? CodeFlowProblem(McpOAuthOptions options, string issuer, AuthorizationServerDocument server, bool defaultEndpoints)
    {
        if (defaultEndpoints)
        {
            return null;
        }

        if (server.ResponseTypesSupported is { } responseTypes && !responseTypes.Contains(OAuthWireNames.Code, StringComparer.Ordinal))
        {
            return new McpOAuthException(
                McpOAuthErrorCode.GrantNotSupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not list 'code' in response_types_supported, so it cannot serve the authorization code flow; authorization was not started.");
        }

        if (server.GrantTypesSupported is { Count: > 0 } grants && !grants.Contains(OAuthWireNames.AuthorizationCodeGrant, StringComparer.Ordinal))
        {
            return new McpOAuthException(
                McpOAuthErrorCode.GrantNotSupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not list the authorization_code grant in grant_types_supported; authorization was not started.");
        }

        if (options.RequirePkceMetadata && server.CodeChallengeMethodsSupported?.Contains(OAuthWireNames.S256, StringComparer.Ordinal) != true)
        {
            return new McpOAuthException(
                McpOAuthErrorCode.PkceUnsupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not advertise PKCE with S256 (code_challenge_methods_supported); authorization was not started. If it supports S256 without saying so (Microsoft Entra ID, GitHub), set McpOAuthOptions.RequirePkceMetadata to false (mcp-oauth: --allow-missing-pkce-metadata); S256 is used either way.");
        }

        return null;
    }

    /// <summary>RFC 8628 needs a device authorization endpoint.</summary>
    public static McpOAuthException? DeviceProblem(string issuer, AuthorizationServerDocument server) =>
        server.DeviceAuthorizationEndpoint is null
            ? new McpOAuthException(
                McpOAuthErrorCode.DeviceAuthorizationUnsupported,
                $"The authorization server '{SafeText.Escape(issuer)}' does not offer device authorization (no device_authorization_endpoint); sign in with a browser instead.")
            : null;
}
