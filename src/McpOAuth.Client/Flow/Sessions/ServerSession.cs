namespace McpOAuth.Client.Internal;

/// <summary>
/// What the provider knows about one protected resource: the credential in use, the authorization server and client behind
/// it, and the scopes asked for. State changes only through the methods here, and every change of the credential tells the
/// index, so its last-hit cache never points at a stale session.
/// </summary>
internal sealed class ServerSession
{
    private readonly Action _credentialChanged;
    private readonly string[] _resourceEndpoint;
    private volatile SessionCredential? _current;

    public ServerSession(string resource, Uri resourceUri, string partition, Action credentialChanged)
    {
        Resource = resource;
        ResourceUri = resourceUri;
        Partition = partition;
        _credentialChanged = credentialChanged;
        _resourceEndpoint = [UriPolicy.CanonicalResource(resourceUri)];
    }

    /// <summary>The resource identifier exactly as validated (the PRM string, or the canonical server URI).</summary>
    public string Resource { get; }

    public Uri ResourceUri { get; }

    /// <summary>Whose session this is; its tokens are stored under this partition.</summary>
    public string Partition { get; }

    /// <summary>The credential in use; read without a lock on the hot path.</summary>
    public SessionCredential? Current => _current;

    public TokenSet? Tokens => _current?.Tokens;

    /// <summary>The endpoints the current credential serves (RS-01); empty without one.</summary>
    public IReadOnlyList<string> Endpoints => _current?.Tokens is { } tokens ? EndpointsOf(tokens) : [];

    /// <summary>Whether the current credential may be sent to the endpoint (<see cref="UriPolicy.CanonicalResource"/> form).</summary>
    public bool Serves(string endpoint) => _current?.Tokens is { } tokens && CredentialEndpoints.Cover(EndpointsOf(tokens), endpoint);

    /// <summary>The authorization server and client of the current tokens, once known.</summary>
    public AuthorizationContext? Context { get; private set; }

    public IReadOnlyList<string> RequestedScopes { get; private set; } = [];

    /// <summary>The loopback port the last code flow listened on; the next one tries it first (its redirect URI is registered).</summary>
    public int? LastRedirectPort { get; set; }

    /// <summary>The access token the last refresh produced; if the server rejects it, refreshing again cannot help.</summary>
    public string? RefreshedAccessToken { get; private set; }

    /// <summary>How tokens are obtained again without a user, for machine grants; null for interactive ones.</summary>
    public Func<CancellationToken, Task<TokenSet>>? Reacquire { get; private set; }

    /// <summary>Tokens the store could not keep (STORE-08): they serve from memory and are written again later.</summary>
    public UnsavedTokens? Unsaved { get; set; }

    /// <summary>When a refresh or machine grant last failed, and why: waiters do not repeat a request that just failed.</summary>
    public (DateTimeOffset At, Exception Error)? LastRenewalFailure { get; set; }

    /// <summary>A grant completed: its tokens, context, scopes and (for machine grants) how to obtain them again.</summary>
    public void Complete(TokenSet tokens, DpopSession? dpop, AuthorizationContext context, IReadOnlyList<string> scopes, Func<CancellationToken, Task<TokenSet>>? reacquire)
    {
        Context = context;
        RequestedScopes = scopes;
        Reacquire = reacquire;
        Set(SessionCredential.Issued(tokens, dpop));
    }

    /// <summary>A refresh (or a machine re-acquisition) issued new tokens for the same context.</summary>
    public void Renewed(TokenSet tokens, DpopSession? dpop, bool refreshed)
    {
        if (refreshed)
        {
            RefreshedAccessToken = tokens.AccessToken;
        }

        Set(SessionCredential.Issued(tokens, dpop));
    }

    /// <summary>Tokens found in the store (written by another process, or by an earlier run). Returns false when their DPoP key
    /// cannot be read, in which case nothing changes.</summary>
    public bool Adopt(TokenSet tokens, TimeProvider time, bool withScopes = false)
    {
        SessionCredential? stored = SessionCredential.Stored(tokens, time, _current?.Dpop);
        if (stored is null)
        {
            return false;
        }

        if (withScopes)
        {
            RequestedScopes = tokens.Scopes;
        }

        Set(stored);
        return true;
    }

    /// <summary>The server no longer accepts the tokens (or they were signed out): they go.</summary>
    public void Clear() => Set(null);

    /// <summary>The client or server behind the tokens changed: found again on next use.</summary>
    public void ForgetContext() => Context = null;

    /// <summary>The context of stored tokens, found again after a restart.</summary>
    public void Remember(AuthorizationContext context) => Context = context;

    private IReadOnlyList<string> EndpointsOf(TokenSet tokens) => tokens.Endpoints.Count > 0 ? tokens.Endpoints : _resourceEndpoint;

    private void Set(SessionCredential? credential)
    {
        _current = credential;
        _credentialChanged();
    }
}

/// <summary>Tokens a failed store write left only in memory, with why.</summary>
internal sealed record UnsavedTokens(TokenSet Tokens, McpOAuthException Error);
