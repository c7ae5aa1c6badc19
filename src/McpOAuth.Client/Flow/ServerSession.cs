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

    /// <summary>When a refresh or machine grant last failed, and why: waiters do not repeat a request that just failed.</summary>
    public (DateTimeOffset At, Exception Error)? LastRenewalFailure { get; set; }

    /// <summary>The bearer credential built for <see cref="Tokens"/>, reused on every request.</summary>
    public CachedCredential? Credential { get; set; }

    /// <summary>Replaces the DPoP session. The old one is not disposed: another request may be building a proof with it
    /// right now; its key is released when it is collected.</summary>
    public void SetDpop(DpopSession? dpop) => Dpop = dpop;

    /// <summary>The DPoP session for the tokens' key: the current one when it matches, else imported once under a lock.</summary>
    public DpopSession? DpopFor(TokenSet tokens, TimeProvider time)
    {
        DpopSession? current = Dpop;
        if (current is not null && string.Equals(current.Key, tokens.DpopKey, StringComparison.Ordinal))
        {
            return current;
        }

        lock (_dpopLock)
        {
            current = Dpop;
            if (current is not null && string.Equals(current.Key, tokens.DpopKey, StringComparison.Ordinal))
            {
                return current;
            }

            current = DpopSession.Import(tokens.DpopKey, time);
            Dpop = current;
            return current;
        }
    }

    private readonly object _dpopLock = new();

    internal sealed record CachedCredential(TokenSet Tokens, McpOAuthCredential Credential);
}
