namespace McpOAuth.Client;

/// <summary>Identifies stored tokens: the resource they are for, the issuer that issued them and the client they were issued to.</summary>
/// <param name="Resource">The resource identifier (the RFC 8707 <c>resource</c> value).</param>
/// <param name="Issuer">The authorization server's issuer identifier.</param>
/// <param name="ClientId">The client id the tokens were issued to.</param>
/// <remarks>Keying by all three keeps two tenants behind one URL, or a migrated authorization server, from sharing a
/// credential (AUTH-41, AUTH-24).</remarks>
public readonly record struct TokenStoreKey(string Resource, string Issuer, string ClientId);
