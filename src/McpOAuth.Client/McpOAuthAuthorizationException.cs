namespace McpOAuth.Client;

/// <summary>The exception thrown when an interactive sign-in is denied, abandoned, times out or returns an invalid response.</summary>
/// <remarks>Catch this type to tell "the user said no or went away" apart from configuration and server failures.</remarks>
public sealed class McpOAuthAuthorizationException : McpOAuthException
{
    /// <summary>Initializes a new instance of the <see cref="McpOAuthAuthorizationException"/> class.</summary>
    public McpOAuthAuthorizationException()
        : base(McpOAuthErrorCode.AuthorizationDenied, "The authorization request was not completed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthAuthorizationException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public McpOAuthAuthorizationException(string message)
        : base(McpOAuthErrorCode.AuthorizationDenied, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthAuthorizationException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public McpOAuthAuthorizationException(string message, Exception? innerException)
        : base(McpOAuthErrorCode.AuthorizationDenied, message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthAuthorizationException"/> class with a code and a message.</summary>
    /// <param name="code">The stable reason for the failure.</param>
    /// <param name="message">The message that describes the error; it must not contain secrets.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public McpOAuthAuthorizationException(McpOAuthErrorCode code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }
}
