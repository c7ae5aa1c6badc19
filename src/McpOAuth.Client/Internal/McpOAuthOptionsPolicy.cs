namespace McpOAuth.Client.Internal;

/// <summary>Decisions read off <see cref="McpOAuthOptions"/> in more than one place.</summary>
internal static class McpOAuthOptionsPolicy
{
    /// <summary>The RFC 8707 <c>resource</c> parameter for a resource, or null when the options turn it off (AUTH-34).</summary>
    public static string? ResourceParameterFor(this McpOAuthOptions options, string resource) =>
        options.SendResourceParameter ? resource : null;

    /// <summary>Whether the options serve a request URL: any, or the configured server's origin only.</summary>
    public static bool Serves(this McpOAuthOptions options, Uri requestUri) =>
        options.ServerUri is not { } server
        || string.Equals(UriPolicy.Origin(server), UriPolicy.Origin(requestUri), StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses to start a sign-in for a server the options do not serve.</summary>
    public static void EnsureServes(this McpOAuthOptions options, Uri requestUri)
    {
        if (!options.Serves(requestUri))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ResourceMismatch,
                $"{UriPolicy.EndpointKey(requestUri)} is not the configured MCP server; no sign-in was started for it.");
        }
    }
}
