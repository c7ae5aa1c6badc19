namespace McpOAuth.Client;

/// <summary>A validated authorization response.</summary>
public sealed class CallbackResult
{
    /// <summary>Gets the authorization code; a secret.</summary>
    public required string Code { get; init; }

    /// <summary>Gets the <c>iss</c> the response carried, if any; it has been checked.</summary>
    public string? Issuer { get; init; }

    /// <summary>Returns a description that leaves out the secret code.</summary>
    /// <returns>The issuer only.</returns>
    public override string ToString() => $"CallbackResult {{ Issuer = {Issuer} }}";
}
