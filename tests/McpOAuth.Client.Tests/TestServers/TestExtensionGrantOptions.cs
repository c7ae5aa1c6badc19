using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>What <see cref="TestAuthorizationServer.EnableExtensionGrants"/> accepts: keys for client assertions and JWT bearer
/// assertions, the ID-JAG token exchange (when the server plays the enterprise identity provider), and DPoP.</summary>
public sealed class TestExtensionGrantOptions
{
    /// <summary>Gets the public keys of <c>private_key_jwt</c> clients, by client id (the client must also be known, with
    /// <c>token_endpoint_auth_method</c> <c>private_key_jwt</c>).</summary>
    public IDictionary<string, AsymmetricAlgorithm> ClientKeys { get; } = new Dictionary<string, AsymmetricAlgorithm>(StringComparer.Ordinal);

    /// <summary>Gets the public keys that sign JWT bearer grant assertions (workload tokens, ID-JAGs), by the assertion's
    /// <c>iss</c>.</summary>
    public IDictionary<string, AsymmetricAlgorithm> AssertionIssuerKeys { get; } = new Dictionary<string, AsymmetricAlgorithm>(StringComparer.Ordinal);

    /// <summary>Gets or sets the key this server signs ID-JAGs with when it plays the identity provider; null disables the
    /// RFC 8693 token exchange.</summary>
    public AsymmetricAlgorithm? IdJagSigningKey { get; set; }

    /// <summary>Gets the ID tokens the identity provider accepts as <c>subject_token</c>.</summary>
    public ISet<string> AcceptedIdTokens { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets whether a token request carrying a valid DPoP proof gets a DPoP-bound token.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool BindDpopTokens { get; set; } = true;

    /// <summary>Gets or sets whether every token request must carry a DPoP proof.</summary>
    public bool RequireDpop { get; set; }

    /// <summary>Gets or sets the nonce DPoP proofs must carry (answered with 400 <c>use_dpop_nonce</c> and
    /// <c>DPoP-Nonce</c> otherwise); null requires none.</summary>
    public string? DpopNonce { get; set; }
}
