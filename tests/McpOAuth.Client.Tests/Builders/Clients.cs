namespace McpOAuth.Client.Tests.Builders;

/// <summary>Client registrations of <see cref="BackchannelRig.Issuer"/> for the tests: each test states only the values it is
/// about (and a <c>with</c> expression for the rest).</summary>
internal static class Clients
{
    /// <summary>A pre-registered client that authenticates at the token endpoint with <paramref name="method"/>; it has the
    /// secret only where the method sends one (client_secret_basic, client_secret_post).</summary>
    public static ClientRegistration Preregistered(string method, string clientId = "client-1", string? secret = "client-secret") => new()
    {
        ClientId = clientId,
        ClientSecret = method is "client_secret_basic" or "client_secret_post" ? secret : null,
        TokenEndpointAuthMethod = method,
        Issuer = BackchannelRig.Issuer,
        Kind = ClientRegistrationKind.Preregistered,
    };

    /// <summary>A dynamically registered confidential client (<c>client_secret_basic</c>), whose secret a test checks is never
    /// printed or sent where it must not be.</summary>
    public static ClientRegistration DynamicWithSecret(string clientId, string secret) =>
        Preregistered("client_secret_basic", clientId, secret) with { Kind = ClientRegistrationKind.Dynamic };
}
