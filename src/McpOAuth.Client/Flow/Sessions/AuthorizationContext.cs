using System.Security.Cryptography;

namespace McpOAuth.Client.Internal;

/// <summary>The authorization server and client a session's tokens come from.</summary>
/// <param name="Issuer">The authorization server's issuer.</param>
/// <param name="Server">Its metadata.</param>
/// <param name="Client">The client registration used with it.</param>
/// <param name="ResourceParameter">The RFC 8707 <c>resource</c> sent with every request, or null when it must not be sent.</param>
internal sealed record AuthorizationContext(
    string Issuer,
    AuthorizationServerDocument Server,
    ClientRegistration Client,
    string? ResourceParameter)
{
    /// <summary>A token request at this server as this client; the configured assertion key goes only with the configured client.</summary>
    public TokenRequestContext TokenRequest(string resourceKey, IReadOnlyList<string> scopes, DpopSession? dpop, AsymmetricAlgorithm? assertionKey) =>
        new(new Uri(Server.TokenEndpoint!), ClientAuthentication.For(Client, assertionKey), ResourceParameter, resourceKey, scopes, dpop);
}
