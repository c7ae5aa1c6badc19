using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The authorization server most confidential-client and machine tests start (no dynamic registration, and one
/// pre-registered client that authenticates with the one method the server advertises), and the client side of it.</summary>
public static class PreRegisteredClientOptions
{
    /// <summary>Turns dynamic registration off and registers <paramref name="clientId"/>, which authenticates at the token
    /// endpoint with <paramref name="method"/>, the only method the metadata lists.</summary>
    /// <param name="options">The authorization server's options.</param>
    /// <param name="clientId">The pre-registered client's id.</param>
    /// <param name="clientSecret">Its secret, or <see langword="null"/> for a public or key-authenticated client.</param>
    /// <param name="method">Its token endpoint authentication method.</param>
    /// <param name="grantTypes">Its grant types; when <see langword="null"/>, those of <see cref="TestClientRegistration"/>.</param>
    /// <returns><paramref name="options"/>.</returns>
    public static TestAuthorizationServerOptions OnlyPreRegistered(
        this TestAuthorizationServerOptions options,
        string clientId,
        string? clientSecret,
        string method,
        IReadOnlyList<string>? grantTypes = null)
    {
        options.RegistrationEnabled = false;
        options.TokenEndpointAuthMethodsSupported = [method];
        var client = new TestClientRegistration { ClientId = clientId, ClientSecret = clientSecret, TokenEndpointAuthMethod = method };
        options.PreRegisteredClients.Add(grantTypes is null ? client : client with { GrantTypes = grantTypes });
        return options;
    }

    /// <summary>Makes the client <paramref name="clientId"/> of <paramref name="issuer"/>, proving it with
    /// <paramref name="key"/> when <paramref name="method"/> is <c>private_key_jwt</c> and with <paramref name="secret"/>
    /// otherwise.</summary>
    /// <param name="client">The client options.</param>
    /// <param name="clientId">The pre-registered client's id.</param>
    /// <param name="issuer">The issuer the client is bound to.</param>
    /// <param name="method">The token endpoint authentication method the server registered it with.</param>
    /// <param name="secret">Its secret, for the <c>client_secret_*</c> methods.</param>
    /// <param name="key">Its assertion key, for <c>private_key_jwt</c>.</param>
    public static void UsePreRegistered(
        this ClientRegistrationOptions client,
        string clientId,
        string issuer,
        string method,
        string secret,
        AsymmetricAlgorithm key)
    {
        client.ClientId = clientId;
        client.Issuer = issuer;
        if (method == "private_key_jwt")
        {
            client.ClientAssertionKey = key;
        }
        else
        {
            client.ClientSecret = secret;
        }
    }
}
