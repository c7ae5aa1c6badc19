namespace McpOAuth.Client.Tests.TestServers;

/// <summary>A client known to <see cref="TestAuthorizationServer"/>: pre-registered, dynamically registered or CIMD.</summary>
public sealed record TestClientRegistration
{
    /// <summary>Gets the client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets the client secret, or <see langword="null"/> for a public client.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Gets how the client authenticates at the token endpoint: <c>none</c>, <c>client_secret_post</c> or
    /// <c>client_secret_basic</c>. The default is <c>none</c>.</summary>
    public string TokenEndpointAuthMethod { get; init; } = "none";

    /// <summary>Gets the registered redirect URIs. When empty, any loopback <c>http</c> redirect URI is accepted.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Gets the registered grant types.</summary>
    public IReadOnlyList<string> GrantTypes { get; init; } = ["authorization_code", "refresh_token"];
}
