namespace McpOAuth.Client.Tests.TestServers;

/// <summary>The authorization server most confidential-client and machine tests start: no dynamic registration, and one
/// pre-registered client that authenticates with the one method the server advertises.</summary>
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
}
