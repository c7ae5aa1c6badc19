namespace McpOAuth.Client;

/// <summary>Identifies stored tokens: the resource they are for, the issuer that issued them, the client they were issued to, and
/// the partition (a user, tenant or agent) they belong to.</summary>
/// <param name="Resource">The resource identifier (the RFC 8707 <c>resource</c> value).</param>
/// <param name="Issuer">The authorization server's issuer identifier.</param>
/// <param name="ClientId">The client id the tokens were issued to.</param>
/// <param name="Partition">Whose tokens they are; <see cref="TokenSet.DefaultPartition"/> (empty) for an application with one user.</param>
/// <remarks>Keying by all four keeps two tenants behind one URL, a migrated authorization server, or two users of one hosted
/// application from sharing a credential (AUTH-41, AUTH-24).</remarks>
public readonly record struct TokenStoreKey(string Resource, string Issuer, string ClientId, string Partition = "");
