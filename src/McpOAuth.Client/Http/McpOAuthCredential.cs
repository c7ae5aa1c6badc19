namespace McpOAuth.Client;

/// <summary>What to put on one MCP request: the <c>Authorization</c> scheme and token, and a DPoP proof when the token is
/// DPoP-bound (RFC 9449 §7.1).</summary>
/// <remarks>Its <see cref="ToString"/> leaves out the token and proof.</remarks>
public sealed class McpOAuthCredential
{
    /// <summary>Initializes a new instance of the <see cref="McpOAuthCredential"/> class.</summary>
    /// <param name="scheme">The <c>Authorization</c> scheme: <c>Bearer</c> or <c>DPoP</c>.</param>
    /// <param name="accessToken">The access token.</param>
    /// <param name="proof">The <c>DPoP</c> header value for this request, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="scheme"/> or <paramref name="accessToken"/> is empty.</exception>
    public McpOAuthCredential(string scheme, string accessToken, string? proof = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        Scheme = scheme;
        AccessToken = accessToken;
        Proof = proof;
        AuthorizationHeader = new System.Net.Http.Headers.AuthenticationHeaderValue(scheme, accessToken);
    }

    /// <summary>Gets the <c>Authorization</c> scheme: <c>Bearer</c> or <c>DPoP</c>.</summary>
    public string Scheme { get; }

    /// <summary>Gets the access token; a secret.</summary>
    public string AccessToken { get; }

    /// <summary>Gets the DPoP proof for this one request, or <see langword="null"/> for a bearer token.</summary>
    public string? Proof { get; }

    /// <summary>Gets the <c>Authorization</c> header value, built once.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue AuthorizationHeader { get; }

    /// <summary>Returns a description without the token or proof.</summary>
    /// <returns>The scheme only.</returns>
    public override string ToString() => $"McpOAuthCredential {{ Scheme = {Scheme} }}";
}
