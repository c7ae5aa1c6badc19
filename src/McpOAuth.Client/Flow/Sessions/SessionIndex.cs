namespace McpOAuth.Client.Internal;

/// <summary>
/// The sessions of one provider, per partition (<see cref="McpOAuthPartition.Current"/>), found by request URL: the most
/// specific resource that identifies the URL wins. A repeated URL is answered from a one-entry cache without parsing or
/// allocating. A partition never sees another's sessions.
/// </summary>
internal sealed class SessionIndex
{
    private readonly PartitionSessions _default = new(TokenSet.DefaultPartition);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PartitionSessions> _partitions = new(StringComparer.Ordinal);

    /// <summary>The sessions of the current partition.</summary>
    public IReadOnlyList<ServerSession> All => Current.All;

    /// <summary>Every partition's sessions.</summary>
    public IEnumerable<ServerSession> Everywhere => _partitions.Values.Prepend(_default).SelectMany(p => p.All);

    public ServerSession? Find(Uri requestUri) => Current.Find(requestUri);

    public ServerSession? FindAny(Uri requestUri) => Current.FindAny(requestUri);

    public ServerSession GetOrAdd(string resource, Uri resourceUri) => Current.GetOrAdd(resource, resourceUri);

    /// <summary>A credential of the current partition changed: its cached match may no longer be the best one.</summary>
    public void Invalidate() => Current.Invalidate();

    private PartitionSessions Current
    {
        get
        {
            string partition = McpOAuthPartition.Current;
            return partition.Length == 0 ? _default : _partitions.GetOrAdd(partition, static p => new PartitionSessions(p));
        }
    }
}

/// <summary>The sessions of one partition.</summary>
internal sealed class PartitionSessions(string partition)
{
    private readonly object _lock = new();
    private ServerSession[] _sessions = [];
    private LastHit? _lastHit;

    public IReadOnlyList<ServerSession> All => Volatile.Read(ref _sessions);

    /// <summary>The session with tokens whose resource identifies the URL, the most specific first.</summary>
    public ServerSession? Find(Uri requestUri)
    {
        LastHit? hit = Volatile.Read(ref _lastHit);
        if (hit is not null && (ReferenceEquals(hit.Uri, requestUri) || string.Equals(hit.Uri.OriginalString, requestUri.OriginalString, StringComparison.Ordinal)))
        {
            return hit.Session; // The same URL text (a new Uri per request): no parsing, no allocation.
        }

        ServerSession? best = FindCore(requestUri, requireTokens: true);
        if (best is not null)
        {
            Volatile.Write(ref _lastHit, new LastHit(requestUri, best));
        }

        return best;
    }

    /// <summary>The most specific session for the URL, with or without tokens.</summary>
    public ServerSession? FindAny(Uri requestUri) => FindCore(requestUri, requireTokens: true) ?? FindCore(requestUri, requireTokens: false);

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

    private ServerSession? FindCore(Uri requestUri, bool requireTokens)
    {
        ServerSession? best = null;
        foreach (ServerSession session in Volatile.Read(ref _sessions))
        {
            if ((!requireTokens || session.Current is not null)
                && UriPolicy.ResourceIdentifiesServer(session.ResourceUri, requestUri)
                && (best is null || session.Resource.Length > best.Resource.Length))
            {
                best = session;
            }
        }

        return best;
    }

    private sealed record LastHit(Uri Uri, ServerSession Session);
}
