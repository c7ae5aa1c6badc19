namespace McpOAuth.Client.Internal;

/// <summary>What the provider knows about one protected resource: its metadata, client, scopes and current tokens.</summary>
internal sealed class ServerSession
{
    public ServerSession(string resource, Uri resourceUri)
    {
        Resource = resource;
        ResourceUri = resourceUri;
    }

    /// <summary>The resource identifier exactly as validated (the PRM string, or the canonical server URI).</summary>
    public string Resource { get; }

    public Uri ResourceUri { get; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The tokens in use; read without a lock on the hot path.</summary>
    public volatile TokenSet? Tokens;

    public AuthorizationContext? Context { get; set; }

    public IReadOnlyList<string> RequestedScopes { get; set; } = [];

    public int? LastRedirectPort { get; set; }

    /// <summary>The access token the last refresh produced; if the server rejects it, refreshing again cannot help.</summary>
    public string? RefreshedAccessToken { get; set; }

    public bool Loaded { get; set; }

    /// <summary>How tokens are obtained again without a user, for machine grants; null for interactive ones.</summary>
    public Func<CancellationToken, Task<TokenSet>>? Reacquire { get; set; }

    /// <summary>The DPoP key and nonces of the current tokens, when they are DPoP-bound.</summary>
    public DpopSession? Dpop { get; private set; }

    /// <summary>The bearer credential built for <see cref="Tokens"/>, reused on every request.</summary>
    public CachedCredential? Credential { get; set; }

    public void SetDpop(DpopSession? dpop)
    {
        if (!ReferenceEquals(Dpop, dpop))
        {
            Dpop?.Dispose();
        }

        Dpop = dpop;
    }

    internal sealed record CachedCredential(TokenSet Tokens, McpOAuthCredential Credential);
}
