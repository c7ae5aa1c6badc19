namespace McpOAuth.Client.Internal;

/// <summary>Decisions read off <see cref="McpOAuthOptions"/> in more than one place.</summary>
internal static class McpOAuthOptionsPolicy
{
    /// <summary>The RFC 8707 <c>resource</c> parameter for a resource, or null when the options turn it off (AUTH-34).</summary>
    public static string? ResourceParameterFor(this McpOAuthOptions options, string resource) =>
        options.SendResourceParameter ? resource : null;
}
