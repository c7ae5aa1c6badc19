namespace McpOAuth.Client.Internal;

/// <summary>Where and as whom a token request is made, and what the tokens it yields are stored under.</summary>
/// <param name="TokenEndpoint">The token endpoint.</param>
/// <param name="Client">How the client authenticates (its registration and, for <c>private_key_jwt</c>, its key).</param>
/// <param name="Resource">The RFC 8707 resource parameter, or null when it must not be sent.</param>
/// <param name="ResourceKey">The resource the tokens are stored under.</param>
/// <param name="Scopes">The scopes requested.</param>
/// <param name="Dpop">The DPoP key and nonces, when tokens are to be DPoP-bound.</param>
/// <param name="Partition">Whose tokens they are.</param>
internal sealed record TokenRequestContext(
    Uri TokenEndpoint,
    ClientAuthentication Client,
    string? Resource,
    string ResourceKey,
    IReadOnlyList<string> Scopes,
    DpopSession? Dpop = null,
    string Partition = "")
{
    public ClientRegistration Registration => Client.Client;
}
