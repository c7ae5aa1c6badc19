namespace McpOAuth.Client;

/// <summary>The stage a sign-in has reached, reported through <see cref="McpOAuthOptions.OnProgress"/>.</summary>
public enum McpOAuthStage
{
    /// <summary>Fetching protected resource and authorization server metadata.</summary>
    Discovering,

    /// <summary>Obtaining a client id (pre-registered, metadata document or dynamic registration).</summary>
    Registering,

    /// <summary>The authorization URL has been handed to the browser; waiting for the user.</summary>
    WaitingForBrowser,

    /// <summary>Exchanging the authorization code for tokens.</summary>
    ExchangingCode,

    /// <summary>Refreshing an access token.</summary>
    Refreshing,
}
