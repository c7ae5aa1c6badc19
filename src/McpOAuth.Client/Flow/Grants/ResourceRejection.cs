namespace McpOAuth.Client.Internal;

/// <summary>
/// A server that does not take the RFC 8707 <c>resource</c> parameter answers <c>invalid_target</c> (Microsoft Entra ID v2:
/// AADSTS9010010, "the resource parameter provided in the request doesn't match with the requested scopes"). The error is
/// kept, with a message that says what to set.
/// </summary>
internal static class ResourceRejection
{
    private const string InvalidTarget = "invalid_target";
    private const string EntraCode = "AADSTS9010010";

    /// <summary>Runs a step that sent <paramref name="resourceParameter"/>; a rejection of it is explained.</summary>
    public static async Task<T> WhenRejectedAsync<T>(string? resourceParameter, Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (McpOAuthException ex) when (resourceParameter is not null && IsResourceRejection(ex))
        {
            throw Explained(ex);
        }
    }

    private static bool IsResourceRejection(McpOAuthException ex) =>
        ex.Error == InvalidTarget || ex.ErrorDescription?.Contains(EntraCode, StringComparison.Ordinal) == true;

    private static McpOAuthException Explained(McpOAuthException ex)
    {
        string message = ex.Message
            + " The authorization server rejected the RFC 8707 resource parameter. For a server that does not take it (Microsoft Entra ID v2),"
            + " set McpOAuthOptions.SendResourceParameter to false (mcp-oauth: --no-resource) and name the resource in the scope instead"
            + " (McpOAuthOptions.Scopes, for example api://<app-id>/.default; mcp-oauth: --scope).";
        return ex is McpOAuthAuthorizationException
            ? new McpOAuthAuthorizationException(ex.Code, message, ex) { Error = ex.Error, ErrorDescription = ex.ErrorDescription, ErrorUri = ex.ErrorUri }
            : new McpOAuthException(ex.Code, message, ex) { Error = ex.Error, ErrorDescription = ex.ErrorDescription, ErrorUri = ex.ErrorUri };
    }
}
