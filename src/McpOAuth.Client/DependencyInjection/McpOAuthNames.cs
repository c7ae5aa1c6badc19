namespace McpOAuth.Client.Internal;

/// <summary>The options names given to <c>AddMcpOAuth</c>, so <c>AddMcpOAuthHandler</c> knows which exist without inspecting how
/// their options were configured.</summary>
internal sealed class McpOAuthNames : HashSet<string>
{
    public McpOAuthNames()
        : base(StringComparer.Ordinal)
    {
    }
}
