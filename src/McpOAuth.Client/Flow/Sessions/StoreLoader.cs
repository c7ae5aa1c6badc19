namespace McpOAuth.Client.Internal;

/// <summary>
/// Fills the current partition's sessions from the store: once on first use (a shared store with many users is never read
/// whole), and again on a challenge, when tokens another process or instance stored since are adopted (never by polling).
/// </summary>
internal sealed class StoreLoader(McpOAuthOptions options, ITokenStore store, SessionIndex sessions, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _loaded = new(StringComparer.Ordinal);

    public ValueTask EnsureLoadedAsync(CancellationToken cancellationToken) =>
        _loaded.ContainsKey(McpOAuthPartition.Current) ? ValueTask.CompletedTask : ReloadAsync(cancellationToken);

    /// <summary>Reads the current partition's stored tokens and adopts those newer than what the sessions hold.</summary>
    public async ValueTask ReloadAsync(CancellationToken cancellationToken)
    {
        string partition = McpOAuthPartition.Current;
        IReadOnlyList<TokenSet> stored = await store.ListPartitionAsync(partition, cancellationToken).ConfigureAwait(false);
        foreach (TokenSet tokens in stored)
        {
            if (UriPolicy.TryParseAbsolute(tokens.Resource, out Uri resourceUri)
                && (options.ServerUri is null || UriPolicy.ResourceIdentifiesServer(resourceUri, options.ServerUri)))
            {
                ServerSession session = sessions.GetOrAdd(tokens.Resource, resourceUri);
                if (session.Tokens is null || tokens.ObtainedAt > session.Tokens.ObtainedAt)
                {
                    session.Adopt(tokens, time, withScopes: true);
                }
            }
        }

        _loaded[partition] = true;
    }
}
