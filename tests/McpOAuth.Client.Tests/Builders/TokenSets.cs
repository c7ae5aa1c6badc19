namespace McpOAuth.Client.Tests.Builders;

/// <summary>Stored credentials for the tests: the access token and the identity (resource, issuer, client) that every
/// credential carries; a test adds what it is about with <c>with { ... }</c>.</summary>
internal static class TokenSets
{
    /// <summary>A credential of <c>client-1</c> at <see cref="BackchannelRig.Issuer"/> for the MCP server
    /// <paramref name="resource"/>.</summary>
    public static TokenSet Bearer(string accessToken = "at-1", string resource = BackchannelRig.Resource) => new()
    {
        AccessToken = accessToken,
        Resource = resource,
        Issuer = BackchannelRig.Issuer,
        ClientId = "client-1",
    };

    /// <summary>A credential stored under <paramref name="key"/>: its resource, issuer and client.</summary>
    public static TokenSet For(TokenStoreKey key, string accessToken = "at-1") =>
        Bearer(accessToken, key.Resource) with { Issuer = key.Issuer, ClientId = key.ClientId };

    /// <summary>A credential obtained at the Unix epoch whose access token expired an hour later, as a store holds it for
    /// <paramref name="resource"/> at <paramref name="issuer"/>.</summary>
    public static TokenSet Expired(string accessToken, string resource, string issuer, string clientId) =>
        Bearer(accessToken, resource) with
        {
            Issuer = issuer,
            ClientId = clientId,
            ObtainedAt = DateTimeOffset.UnixEpoch,
            ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1),
        };
}
