namespace McpOAuth.Client.Internal;

/// <summary>Whether an authorization response must carry <c>iss</c> (RFC 9207, AUTH-37), for the loopback and the hosted code
/// flow alike: when the server advertises it, and when a configured client id is not bound to an issuer, since the response
/// could then come from another authorization server (a mix-up).</summary>
internal static class IssuerParameter
{
    public static bool Required(McpOAuthOptions options, AuthorizationServerDocument server) =>
        server.AuthorizationResponseIssParameterSupported == true || UnboundClientId(options);

    /// <summary>Why <see cref="Required"/> holds, told to the user when <c>iss</c> is missing.</summary>
    public static string RequiredBecause(AuthorizationServerDocument server) =>
        server.AuthorizationResponseIssParameterSupported == true
            ? "although the server advertises it"
            : "and the configured client id is not bound to an issuer, so the response could come from another authorization server (a mix-up); set Client.Issuer (mcp-oauth: --issuer URL) to the server it belongs to";

    /// <summary>A configured (public) client id without <see cref="ClientRegistrationOptions.Issuer"/>: offered to any issuer, so the
    /// response must prove with <c>iss</c> that it comes from the server the request went to (RFC 9207, RFC 9700 §4.4).</summary>
    private static bool UnboundClientId(McpOAuthOptions options) =>
        !string.IsNullOrEmpty(options.Client.ClientId) && options.Client.Issuer is null;
}
