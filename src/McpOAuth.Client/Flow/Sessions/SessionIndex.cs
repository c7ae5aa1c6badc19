namespace McpOAuth.Client.Internal;

/// <summary>
/// The sessions of one provider, per partition (<see cref="McpOAuthPartition.Current"/>), found by request URL: the most
/// specific resource that identifies the URL wins, among the sessions whose credential serves that endpoint (RS-01: the one it
/// was obtained for, or every endpoint under the resource when the options share it). A repeated URL is answered from a
/// one-entry cache without parsing or allocating. A partition never sees another's sessions.
/// </summary>
internal sealed class SessionIndex(bool shareAcrossResource = false)
{
    private readonly PartitionSessions _default = new(TokenSet.DefaultPartition, shareAcrossResource);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PartitionSessions> _partitions = new(StringComparer.Ordinal);

    /// <summary>The sessions of the current partition.</summary>
    public IReadOnlyList<ServerSession> All => Current.All;

    /// <summary>Every partition's sessions.</summary>
    public IEnumerable<ServerSession> Everywhere => _partitions.Values.Prepend(_default).SelectMany(p => p.All);

    public ServerSession? Find(Uri requestUri) => Current.Find(requestUri);

    public ServerSession? FindAny(Uri requestUri) => Current.FindAny(requestUri);

    public ServerSession GetOrAdd(string resource, Uri resourceUri) => Current.GetOrAdd(resource, resourceUri);

    /// <summary>Whether the session's credential may be sent to the URL.</summary>
    public bool Serves(ServerSession session, Uri requestUri) =>
        session.Current is not null && (shareAcrossResource || session.Serves(UriPolicy.CanonicalResource(requestUri)));

    /// <summary>A credential of the current partition changed: its cached match may no longer be the best one.</summary>
    public void Invalidate() => Current.Invalidate();

    private PartitionSessions Current
    {
        get
        {
            string partition = McpOAuthPartition.Current;
            return partition.Length == 0 ? _default : _partitions.GetOrAdd(partition, static (p, share) => new PartitionSessions(p, share), shareAcrossResource);
        }
    }
}

/// <summary>The sessions of one partition.</summary>
internal sealed class PartitionSessions(string partition, bool shareAcrossResource)
{
    private readonly object _lock = new();
    private ServerSession[] _sessions = [];
    private LastHit? _lastHit;

    public IReadOnlyList<ServerSession> All => Volatile.Read(ref _sessions);

    /// <summary>The session whose credential serves the URL, the most specific resource first.</summary>
    public ServerSession? Find(Uri requestUri)
    {
        LastHit? hit = Volatile.Read(ref _lastHit);
        if (hit is not null && (ReferenceEquals(hit.Uri, requestUri) || string.Equals(hit.Uri.OriginalString, requestUri.OriginalString, StringComparison.Ordinal)))
        {
            return hit.Session; // The same URL text (a new Uri per request): no parsing, no allocation.
        }

        ServerSession? best = FindCore(requestUri, serving: true);
        if (best is not null)
        {
            Volatile.Write(ref _lastHit, new LastHit(requestUri, best));
        }

        return best;
    }

    /// <summary>The session whose credential serves the URL, else the most specific one without a credential; never one whose
    /// credential is another endpoint's (RS-01), so a challenge from that endpoint starts its own sign-in.</summary>
    public ServerSession? FindAny(Uri requestUri) => FindCore(requestUri, serving: true) ?? FindCore(requestUri, serving: false);

    public ServerSession GetOrAdd(string resource, Uri resourceUri)
    {
        lock (_lock)
        {
            foreach (ServerSession existing in _sessions)
            {
                if (string.Equals(existing.Resource, resource, StringComparison.Ordinal))
                {
                    return existing;
                }
            }

            var session = new ServerSession(resource, resourceUri, partition, Invalidate);
            _sessions = [.. _sessions, session];
            Invalidate();
            return session;
        }
    }

    /// <summary>Any session's credential changed: the cached match may no longer be the best one.</summary>
    public void Invalidate() => Volatile.Write(ref _lastHit, null);

    /// <summary>The most specific session for the URL whose credential serves it (<paramref name="serving"/>), or that has none.</summary>
    private ServerSession? FindCore(Uri requestUri, bool serving)
    {
        ServerSession? best = null;
        string? endpoint = null;
        foreach (ServerSession session in Volatile.Read(ref _sessions))
        {
            if ((serving ? session.Current is not null : session.Current is null)
                && UriPolicy.ResourceIdentifiesServer(session.ResourceUri, requestUri)
                && (!serving || shareAcrossResource || session.Serves(endpoint ??= UriPolicy.CanonicalResource(requestUri)))
                && (best is null || session.Resource.Length > best.Resource.Length))
            {
                best = session;
            }
        }

        return best;
    }

    private sealed record LastHit(Uri Uri, ServerSession Session);
}
