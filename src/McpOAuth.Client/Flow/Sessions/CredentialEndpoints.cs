namespace McpOAuth.Client.Internal;

/// <summary>
/// RS-01: which endpoints a credential may be sent to. A credential serves the endpoints it was obtained for (scheme, host, port
/// and path, no query: <see cref="UriPolicy.CanonicalResource"/>), kept in <see cref="TokenSet.Endpoints"/> so the rule holds
/// after the store is read again. An entry ending in <see cref="Wildcard"/> covers every path under it; only a 2025-03-26
/// server's credential has one, its origin's, because that revision discards the path (an HTTP+SSE server's <c>/sse</c> and
/// <c>/messages</c> share one sign-in).
/// </summary>
internal static class CredentialEndpoints
{
    /// <summary>The suffix of an entry that covers every path under it.</summary>
    public const string Wildcard = "/*";

    /// <summary>The entry a sign-in started for <paramref name="serverUri"/> adds: its endpoint, or for a 2025-03-26 server
    /// (no protected resource metadata) its origin.</summary>
    public static string For(Uri serverUri, bool legacy) =>
        legacy ? UriPolicy.Origin(serverUri) + Wildcard : UriPolicy.CanonicalResource(serverUri);

    /// <summary>Both lists, each entry once, in order.</summary>
    public static IReadOnlyList<string> Union(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        if (second.All(e => first.Contains(e, StringComparer.Ordinal)))
        {
            return first;
        }

        return [.. first.Concat(second).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether one of the entries covers the endpoint (in <see cref="UriPolicy.CanonicalResource"/> form).</summary>
    public static bool Cover(IReadOnlyList<string> entries, string endpoint)
    {
        foreach (string entry in entries)
        {
            if (string.Equals(entry, endpoint, StringComparison.Ordinal)
                || (entry.EndsWith(Wildcard, StringComparison.Ordinal) && Under(endpoint, entry.AsSpan(0, entry.Length - Wildcard.Length))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The endpoint is the prefix itself or lies under it on a segment boundary.</summary>
    private static bool Under(string endpoint, ReadOnlySpan<char> prefix) =>
        endpoint.AsSpan().StartsWith(prefix, StringComparison.Ordinal)
        && (endpoint.Length == prefix.Length || endpoint[prefix.Length] == '/');
}
