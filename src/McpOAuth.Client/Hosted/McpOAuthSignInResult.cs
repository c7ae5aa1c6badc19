namespace McpOAuth.Client;

/// <summary>A hosted sign-in completed by its callback.</summary>
public sealed record McpOAuthSignInResult
{
    /// <summary>Gets the login, without secrets.</summary>
    public required McpOAuthLogin Login { get; init; }

    /// <summary>Gets where the application asked the browser to go afterwards, if it recorded a place.</summary>
    public string? ReturnUrl { get; init; }
}
