namespace McpOAuth.Client;

/// <summary>The base exception for every failure of McpOAuth.Client.</summary>
/// <remarks>
/// <para>This is the one exception family of the library; catch it to handle any OAuth failure, and inspect <see cref="Code"/>
/// for the reason. Subclasses exist only where callers catch differently (<see cref="McpOAuthAuthorizationException"/>).</para>
/// <para>Messages never contain tokens, codes, PKCE verifiers, client secrets or <c>state</c> values. Text that came from a
/// server (<see cref="ErrorDescription"/>) is kept verbatim in its property and escaped in the message.</para>
/// </remarks>
public class McpOAuthException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="McpOAuthException"/> class.</summary>
    public McpOAuthException()
        : this(McpOAuthErrorCode.Unknown, "An MCP OAuth operation failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public McpOAuthException(string message)
        : this(McpOAuthErrorCode.Unknown, message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public McpOAuthException(string message, Exception? innerException)
        : this(McpOAuthErrorCode.Unknown, message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpOAuthException"/> class with a code and a message.</summary>
    /// <param name="code">The stable reason for the failure.</param>
    /// <param name="message">The message that describes the error; it must not contain secrets.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public McpOAuthException(McpOAuthErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Gets the stable reason for the failure.</summary>
    public McpOAuthErrorCode Code { get; }

    /// <summary>Gets the OAuth <c>error</c> code the server returned (RFC 6749 §5.2), if any.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the <c>error_description</c> the server returned, if any; it is untrusted text.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>Gets the <c>error_uri</c> the server returned, if any; it is untrusted and never opened by the library.</summary>
    public string? ErrorUri { get; init; }
}
