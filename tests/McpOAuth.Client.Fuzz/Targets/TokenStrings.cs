namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>Values hostile token, device, registration and error responses are made of.</summary>
internal static class TokenStrings
{
    public static readonly string[] TokenKeys =
    [
        "access_token", "token_type", "expires_in", "refresh_token", "scope", "issued_token_type", "id_token",
        "error", "error_description", "error_uri",
    ];

    public static readonly string[] Values =
    [
        "fake-access-token-1", "fake.access.token+/=", "fake-refresh-token-2", "Bearer", "bearer", "DPoP", "dpop", "mac", "N_A",
        "files:read files:write", "files:read  ", "", " ", "urn:ietf:params:oauth:token-type:id-jag",
        "urn:ietf:params:oauth:token-type:access_token", "invalid_grant", "invalid_client", "unauthorized_client",
        "authorization_pending", "slow_down", "access_denied", "expired_token", "use_dpop_nonce", "unsupported_token_type",
        "invalid_client_metadata", "invalid_redirect_uri", "https://auth.example.com/errors/1", "line\r\nInjected: header",
        "\u001b[2J\u001b[31mred", "tok\u0000en", "tok en", "t\u00f6ken", "<script>alert(1)</script>",
        Engine.Wire.Code, Engine.Wire.Verifier, Engine.Wire.RefreshToken, Engine.Wire.ClientSecret, Engine.Wire.DeviceCode,
        Engine.Wire.IdToken, "echo: " + Engine.Wire.RefreshToken, "fake-client-secret-7b1d".ToUpperInvariant(),
        "fake%2Dclient%2Dsecret%2D7b1d", "fake-client-secret-7b1", "https://auth.example.com/device", "https://evil.example/device",
        "javascript:alert(1)", "WDJB-MJHT", "fake-client-id", "none", "client_secret_basic", "client_secret_post",
        "private_key_jwt", "http://127.0.0.1:49152/callback", "http://127.0.0.1:1/other",
    ];
}
