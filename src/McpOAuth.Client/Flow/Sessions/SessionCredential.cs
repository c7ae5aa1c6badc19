namespace McpOAuth.Client.Internal;

/// <summary>
/// The tokens a session uses right now, with the DPoP key they are bound to and the bearer credential built once for them:
/// one immutable snapshot, swapped atomically, so the hot path reads a single reference and never re-imports a key.
/// </summary>
internal sealed class SessionCredential
{
    private readonly McpOAuthCredential? _bearer;

    private SessionCredential(TokenSet tokens, DpopSession? dpop)
    {
        Tokens = tokens;
        Dpop = dpop;
        _bearer = dpop is null ? new McpOAuthCredential(OAuthWireNames.Bearer, tokens.AccessToken) : null;
    }

    public TokenSet Tokens { get; }

    /// <summary>The key the access token is bound to (RFC 9449), or null for a bearer token.</summary>
    public DpopSession? Dpop { get; }

    /// <summary>Tokens a grant or refresh just issued, with the key that was proven for them.</summary>
    public static SessionCredential Issued(TokenSet tokens, DpopSession? dpop) =>
        new(tokens, tokens.DpopKey is null ? null : dpop);

    /// <summary>Tokens read from the store: a DPoP key is imported once here. A key that cannot be read makes the tokens
    /// unusable (the server's 401 then starts over), so null is returned.</summary>
    public static SessionCredential? Stored(TokenSet tokens, TimeProvider time, DpopSession? known)
    {
        if (tokens.DpopKey is null)
        {
            return new(tokens, null);
        }

        if (known is not null && string.Equals(known.Key, tokens.DpopKey, StringComparison.Ordinal))
        {
            return new(tokens, known);
        }

        DpopSession? imported = DpopSession.Import(tokens.DpopKey, time);
        return imported is null ? null : new(tokens, imported);
    }

    /// <summary>What to attach to one request: the same bearer instance every time, or a fresh DPoP proof (RFC 9449 §4.2).</summary>
    public McpOAuthCredential CredentialFor(HttpMethod method, Uri requestUri) =>
        _bearer ?? new McpOAuthCredential(
            OAuthWireNames.Dpop,
            Tokens.AccessToken,
            Dpop!.CreateProof(method.Method, requestUri, Tokens.AccessToken, authorizationServer: false));
}
