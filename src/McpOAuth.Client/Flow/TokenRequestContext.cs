using System.Security.Cryptography;

namespace McpOAuth.Client.Internal;

/// <summary>Where and as whom a token request is made.</summary>
/// <param name="TokenEndpoint">The token endpoint.</param>
/// <param name="Client">The client registration (id, secret, method).</param>
/// <param name="Resource">The RFC 8707 resource parameter, or null when it must not be sent.</param>
/// <param name="ResourceKey">The resource the tokens are stored under.</param>
/// <param name="Scopes">The scopes requested.</param>
/// <param name="AssertionKey">The private_key_jwt signing key, if the client authenticates with one.</param>
/// <param name="Issuer">The authorization server's issuer: the audience of client assertions.</param>
/// <param name="Dpop">The DPoP key and nonces, when tokens are to be DPoP-bound.</param>
internal sealed record TokenRequestContext(
    Uri TokenEndpoint,
    ClientRegistration Client,
    string? Resource,
    string ResourceKey,
    IReadOnlyList<string> Scopes,
    AsymmetricAlgorithm? AssertionKey = null,
    string? Issuer = null,
    DpopSession? Dpop = null);
