namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What the server keeps for each credential that a token request redeems (authorization code, device code,
/// refresh token), and the shared first step of those redemptions.</summary>
public sealed partial class TestAuthorizationServer
{
    /// <summary>RFC 6749 §5.2: the credential named by <paramref name="parameter"/> must be sent (<c>invalid_request</c>) and
    /// be one this server issued to <paramref name="client"/> (<c>invalid_grant</c>, "unknown <paramref name="credential"/>").
    /// Call holding <c>_gate</c>.</summary>
    private static OAuthError? FindIssuedLocked<TGrant>(
        RecordedRequest request, string parameter, string credential, Dictionary<string, TGrant> issued, TestClientRegistration client, out TGrant grant)
        where TGrant : IssuedGrant
    {
        grant = null!;
        if (request.FormValue(parameter) is not { } value)
        {
            return OAuthError.InvalidRequest(parameter + " required");
        }

        if (!issued.TryGetValue(value, out var found) || !string.Equals(found.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            return OAuthError.InvalidGrant("unknown " + credential);
        }

        grant = found;
        return null;
    }

    /// <summary>The client and the grant a redeemable credential belongs to, and the terms the tokens it earns inherit.</summary>
    private abstract class IssuedGrant
    {
        public required string ClientId { get; init; }

        public required string GrantId { get; init; }

        public string? Resource { get; init; }

        public string? Scope { get; init; }
    }
}
