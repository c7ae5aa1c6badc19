namespace McpOAuth.Client;

/// <summary>The exception a hosted application's request fails with when its user must sign in: send the browser to
/// <see cref="AuthorizationUri"/>.</summary>
/// <remarks>Thrown only with <see cref="HostedSignInOptions.RedirectUri"/> set. The sign-in is already recorded; the callback
/// completes it (<see cref="IMcpOAuthProvider.CompleteSignInAsync"/>). The URL carries the <c>state</c> and PKCE challenge, never
/// a secret; it is not part of <see cref="Exception.Message"/>.</remarks>
public sealed class McpOAuthSignInRequiredException : McpOAuthException
{
    /// <summary>Initializes a new instance of the <see cref="McpOAuthSignInRequiredException"/> class.</summary>
    public McpOAuthSignInRequiredException()
        : base(McpOAuthErrorCode.SignInRequired, "The user must sign in.")
    {
        AuthorizationUri = new Uri("about:blank");
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthSignInRequiredException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public McpOAuthSignInRequiredException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthSignInRequiredException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public McpOAuthSignInRequiredException(string message, Exception? innerException)
        : base(McpOAuthErrorCode.SignInRequired, message, innerException)
    {
        AuthorizationUri = new Uri("about:blank");
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthSignInRequiredException"/> class for a started sign-in.</summary>
    /// <param name="authorizationUri">Where to send the user's browser.</param>
    /// <param name="resource">The resource the sign-in is for.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public McpOAuthSignInRequiredException(Uri authorizationUri, string resource)
        : base(McpOAuthErrorCode.SignInRequired, $"Signing in to {SafeTextOf(resource)} needs the user: send the browser to the authorization URL.")
    {
        ArgumentNullException.ThrowIfNull(authorizationUri);
        AuthorizationUri = authorizationUri;
        Resource = resource;
    }

    /// <summary>Gets where to send the user's browser.</summary>
    public Uri AuthorizationUri { get; }

    /// <summary>Gets the resource the sign-in is for.</summary>
    public string? Resource { get; }

    private static string SafeTextOf(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Internal.SafeText.Escape(resource);
    }
}
