namespace McpOAuth.Client;

/// <summary>Names and limits that McpOAuth.Client uses by default.</summary>
public static class McpOAuthDefaults
{
    /// <summary>The name of the <see cref="HttpClient"/> used for calls to authorization servers and metadata endpoints.</summary>
    /// <remarks>Configure it with <c>services.AddHttpClient(McpOAuthDefaults.BackchannelHttpClientName)</c> to add a proxy or
    /// certificates. It must never carry <see cref="McpOAuthHandler"/>: that would recurse.</remarks>
    public const string BackchannelHttpClientName = "McpOAuth.Client.Backchannel";

    /// <summary>The largest response body read from an authorization server or metadata endpoint: 1 MiB.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>The longest <c>WWW-Authenticate</c> value that is parsed: 8 KiB; longer values are ignored.</summary>
    public const int MaxWwwAuthenticateLength = 8 * 1024;

    /// <summary>The most <c>authorization_servers</c> entries that are considered: 16.</summary>
    public const int MaxAuthorizationServers = 16;

    /// <summary>The default path of the loopback redirect URI: <c>/callback</c>.</summary>
    public const string CallbackPath = "/callback";

    /// <summary>Gets the default timeout of each outbound call: 30 seconds.</summary>
    public static TimeSpan HttpTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the default time to wait for the user to finish signing in: 5 minutes.</summary>
    public static TimeSpan AuthorizationTimeout { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the default margin before expiry at which a token is renewed: 60 seconds.</summary>
    public static TimeSpan RefreshSkew { get; } = TimeSpan.FromSeconds(60);
}
