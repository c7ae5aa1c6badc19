namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>Values hostile metadata is made of: good URLs, near misses and outright attacks.</summary>
internal static class DiscoveryStrings
{
    public static readonly string[] Urls =
    [
        "https://mcp.example.com/mcp", "https://mcp.example.com", "https://mcp.example.com/", "https://MCP.example.com/mcp",
        "https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp/", "https://mcp.example.com/mcpx", "https://mcp.example.com/t/a",
        "https://mcp.example.com.evil.example/mcp", "https://evil.example/mcp", "http://mcp.example.com/mcp", "http://127.0.0.1:3000/mcp",
        "http://localhost:3000", "https://auth.example.com", "https://auth.example.com/", "https://auth.example.com/tenant/a",
        "https://auth.example.com/authorize", "https://auth.example.com/token", "https://auth.example.com/register",
        "https://auth.example.com/revoke", "https://auth.example.com/device", "http://169.254.169.254/latest/meta-data",
        "https://user:pass@auth.example.com/token", "https://auth.example.com/token#frag", "https://auth.example.com/token?x=1",
        "javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "//auth.example.com/token", "/token", "",
        "https://[::1]/", "https://xn--80ak6aa92e.com/", "https://auth.example.com/\u0000", "https://auth.example.com/ token",
        "https://auth.example.com/%2e%2e/", "https://a\u200b.example.com", "https://auth.example.com:99999/",
    ];

    public static readonly string[] Values =
    [
        .. Urls, "S256", "plain", "none", "client_secret_basic", "client_secret_post", "private_key_jwt", "code",
        "authorization_code", "refresh_token", "header", "files:read", "\u001b[31mred\u001b[0m", "line\r\nbreak",
    ];
}
