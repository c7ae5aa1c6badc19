namespace McpOAuth.Client;

/// <summary>What an authorization response must carry, and where to listen for it.</summary>
public sealed class CallbackListenRequest
{
    /// <summary>Gets the <c>state</c> sent in the authorization request; responses with another one are ignored.</summary>
    public required string State { get; init; }

    /// <summary>Gets the issuer recorded before the redirect, compared byte for byte with <c>iss</c> (RFC 9207 §2.4).</summary>
    public required string ExpectedIssuer { get; init; }

    /// <summary>Gets whether the server advertised <c>authorization_response_iss_parameter_supported</c>, so <c>iss</c> is required.</summary>
    public bool IssuerParameterRequired { get; init; }

    /// <summary>Why <see cref="IssuerParameterRequired"/> is set, told to the user when <c>iss</c> is missing.</summary>
    internal string IssuerRequiredBecause { get; init; } = "although the server advertises it";

    /// <summary>Gets the loopback port; 0 for an ephemeral one.</summary>
    public int Port { get; init; }

    /// <summary>Gets whether another port may be used when <see cref="Port"/> is taken.</summary>
    public bool AllowPortFallback { get; init; }

    /// <summary>Gets the path of the redirect URI.</summary>
    public string Path { get; init; } = McpOAuthDefaults.CallbackPath;

    /// <summary>Gets how long to wait for the response.</summary>
    public TimeSpan Timeout { get; init; } = McpOAuthDefaults.AuthorizationTimeout;

    /// <summary>Returns a description that leaves out the secret <c>state</c>.</summary>
    /// <returns>The port and path.</returns>
    public override string ToString() => $"CallbackListenRequest {{ Port = {Port}, Path = {Path} }}";
}
