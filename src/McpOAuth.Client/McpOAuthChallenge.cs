namespace McpOAuth.Client;

/// <summary>A 401 or 403 answer from an MCP server, with what its <c>WWW-Authenticate</c> challenge said.</summary>
public sealed class McpOAuthChallenge
{
    /// <summary>Gets the URL of the request that was challenged.</summary>
    public required Uri RequestUri { get; init; }

    /// <summary>Gets the HTTP status code: 401 or 403.</summary>
    public required int StatusCode { get; init; }

    /// <summary>Gets the method of the request that was challenged; a DPoP proof for the resend is made for it.</summary>
    /// <value>The default is POST, the method of MCP's Streamable HTTP messages.</value>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>Gets the challenge's scheme: <c>Bearer</c>, or <c>DPoP</c> when the server demands DPoP-bound tokens.</summary>
    public string Scheme { get; init; } = "Bearer";

    /// <summary>Gets the <c>DPoP-Nonce</c> the server sent with a <c>use_dpop_nonce</c> challenge (RFC 9449 §9).</summary>
    public string? DpopNonce { get; init; }

    /// <summary>Gets the <c>resource_metadata</c> URL of the challenge, if any (RFC 9728 §5.1).</summary>
    public string? ResourceMetadata { get; init; }

    /// <summary>Gets the scopes the challenge names (RFC 6750 §3); empty when none.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Gets the challenge's <c>error</c>, such as <c>invalid_token</c> or <c>insufficient_scope</c>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the access token the request carried, if any; a secret, used to tell a stale token from a renewed one.</summary>
    public string? RejectedAccessToken { get; init; }

    /// <summary>Whether the rejected token was issued while handling this same request: the handler's loop bookkeeping. A token
    /// from an interactive sign-in that is rejected at once will not be fixed by signing in again; one issued by a refresh may
    /// be (RS-10: at most one refresh plus one interactive sign-in per request).</summary>
    internal bool RejectedTokenIsNew { get; init; }

    internal McpOAuthChallenge WithRejectedTokenIsNew() => new()
    {
        RequestUri = RequestUri,
        StatusCode = StatusCode,
        Method = Method,
        ResourceMetadata = ResourceMetadata,
        Scopes = Scopes,
        Error = Error,
        RejectedAccessToken = RejectedAccessToken,
        Scheme = Scheme,
        DpopNonce = DpopNonce,
        RejectedTokenIsNew = true,
    };

    /// <summary>Returns a description without the rejected token.</summary>
    /// <returns>The status, error and scope count.</returns>
    public override string ToString() => $"McpOAuthChallenge {{ StatusCode = {StatusCode}, Error = {Error}, Scopes = {Scopes.Count} }}";
}
