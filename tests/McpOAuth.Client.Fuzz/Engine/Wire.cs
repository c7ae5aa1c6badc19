namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>The fixed side of every exchange: our endpoints, clients and (obviously fake) secrets.</summary>
internal static class Wire
{
    public const string Issuer = "https://auth.example.com";
    public const string Resource = "https://mcp.example.com/mcp";
    public const string Code = "fake-code-5f3a9c1e";
    public const string Verifier = "fake-verifier-8d2b7a4f6c1e9d3b5a7f2c8e4d6b1a9f3c5e7d2b";
    public const string RefreshToken = "fake-refresh-token-2c9e";
    public const string ClientSecret = "fake-client-secret-7b1d";
    public const string DeviceCode = "fake-device-code-4e8a";
    public const string IdToken = "fake.id-token.4a1f";

    public static readonly Uri TokenEndpoint = new("https://auth.example.com/token");
    public static readonly Uri RedirectUri = new("http://127.0.0.1:49152/callback");

    /// <summary>The MCP servers a user might configure; a target picks one by an input header.</summary>
    public static readonly Uri[] Servers =
    [
        new(Resource), new("https://mcp.example.com"), new("http://127.0.0.1:3000/mcp"), new("https://mcp.example.com/t/a/mcp?x=1"),
    ];

    public static ClientRegistration Client(string? method) => method switch
    {
        "client_secret_basic" or "client_secret_post" => new ClientRegistration
        {
            ClientId = "fake-client-id",
            ClientSecret = ClientSecret,
            TokenEndpointAuthMethod = method,
            Issuer = Issuer,
            Kind = ClientRegistrationKind.Preregistered,
        },
        _ => new ClientRegistration { ClientId = "fake-client-id", TokenEndpointAuthMethod = OAuthWireNames.AuthMethodNone, Issuer = Issuer },
    };

    public static Uri Server(HttpEnvelope envelope) =>
        Servers[(envelope.Header("X-Fuzz-Server")?.Sum(c => c) ?? 0) % Servers.Length]; // a stable choice, so findings replay

    /// <summary>https, or http to a loopback host when allowed; no userinfo, no fragment (AUTH-14, AUTH-44).</summary>
    public static bool IsSecureEndpoint(string? value, bool allowHttpLoopback) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Fragment)
        && (uri.Scheme == Uri.UriSchemeHttps || (allowHttpLoopback && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
