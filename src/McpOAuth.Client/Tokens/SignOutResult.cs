namespace McpOAuth.Client;

/// <summary>What <see cref="IMcpOAuthProvider.SignOutAsync"/> did.</summary>
public sealed record SignOutResult
{
    /// <summary>Gets the credentials that were deleted locally.</summary>
    public IReadOnlyList<TokenStoreKey> Removed { get; init; } = [];

    /// <summary>Gets the credentials whose tokens were revoked at the authorization server (or had nothing to revoke).</summary>
    public IReadOnlyList<TokenStoreKey> Revoked { get; init; } = [];

    /// <summary>Gets why revocation failed, per credential; the local credential was deleted anyway.</summary>
    public IReadOnlyDictionary<TokenStoreKey, string> RevocationFailures { get; init; } = new Dictionary<TokenStoreKey, string>();

    /// <summary>Gets the credentials whose authorization server advertises no revocation endpoint.</summary>
    public IReadOnlyList<TokenStoreKey> RevocationUnsupported { get; init; } = [];
}
