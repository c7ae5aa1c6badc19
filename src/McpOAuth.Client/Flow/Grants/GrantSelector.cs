namespace McpOAuth.Client.Internal;

/// <summary>The grant to use: the configured one (checked against <c>grant_types_supported</c>), or the automatic choice.</summary>
internal static class GrantSelector
{
    public static McpOAuthGrantType Select(McpOAuthOptions options, AuthorizationServerDocument server)
    {
        IReadOnlyList<string>? supported = server.GrantTypesSupported;
        bool Supports(string grant) => supported is null || supported.Count == 0 || supported.Contains(grant, StringComparer.Ordinal);

        McpOAuthGrantType grant = options.GrantType;
        if (grant == McpOAuthGrantType.Automatic)
        {
            // A secret or key goes to a server chosen from metadata only when the client is bound to that issuer: a hostile
            // MCP server must not be able to name an authorization server and collect it (T10, AUTH-24).
            ClientRegistrationOptions client = options.Client;
            bool hasClientCredentials = !string.IsNullOrEmpty(client.ClientId)
                && (client.ClientSecret is not null || client.ClientAssertionKey is not null)
                && string.Equals(client.Issuer, server.Issuer, StringComparison.Ordinal);
            return options.EnterpriseManaged.IdTokenProvider is not null && Supports(OAuthWireNames.JwtBearerGrant)
                ? McpOAuthGrantType.EnterpriseManaged
                : options.AssertionProvider is not null && Supports(OAuthWireNames.JwtBearerGrant)
                    ? McpOAuthGrantType.JwtBearer
                    : !Supports(OAuthWireNames.AuthorizationCodeGrant) && Supports(OAuthWireNames.ClientCredentialsGrant) && hasClientCredentials
                        ? McpOAuthGrantType.ClientCredentials
                        : McpOAuthGrantType.AuthorizationCode;
        }

        string wireName = grant switch
        {
            McpOAuthGrantType.ClientCredentials => OAuthWireNames.ClientCredentialsGrant,
            McpOAuthGrantType.JwtBearer or McpOAuthGrantType.EnterpriseManaged => OAuthWireNames.JwtBearerGrant,
            _ => OAuthWireNames.AuthorizationCodeGrant,
        };
        if (!Supports(wireName))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.GrantNotSupported,
                $"The authorization server does not list the {wireName} grant in grant_types_supported.");
        }

        return grant;
    }
}
