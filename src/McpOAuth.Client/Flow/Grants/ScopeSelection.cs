namespace McpOAuth.Client.Internal;

/// <summary>The scopes of one sign-in: those requested (remembered for step-up and refresh) and those sent, which may add
/// <c>offline_access</c>.</summary>
/// <param name="Requested">The challenge's scopes (plus earlier ones on step-up), else the configured ones, else the
/// resource's <c>scopes_supported</c>, else none (AUTH-26, AUTH-27).</param>
/// <param name="Parameter">What the authorization request's <c>scope</c> carries.</param>
internal sealed record ScopeSelection(IReadOnlyList<string> Requested, IReadOnlyList<string> Parameter)
{
    public static ScopeSelection For(IReadOnlyList<string>? requested, McpOAuthOptions options, ResolvedServer server)
    {
        IReadOnlyList<string> scopes = requested
            ?? (options.Scopes.Count > 0 ? [.. options.Scopes] : server.Metadata?.ScopesSupported ?? []);
        List<string> parameter = [.. scopes];
        if (options.RequestOfflineAccess && parameter.Count > 0
            && server.Server.ScopesSupported?.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal) == true
            && !parameter.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal))
        {
            parameter.Add(OAuthWireNames.OfflineAccess); // AUTH-31: only when the AS lists it.
        }

        return new ScopeSelection(scopes, parameter);
    }

    public static List<string> Union(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var union = new List<string>(first);
        foreach (string scope in second)
        {
            if (!union.Contains(scope, StringComparer.Ordinal))
            {
                union.Add(scope);
            }
        }

        return union;
    }

    public static bool IsSubset(IReadOnlyList<string> scopes, IReadOnlyList<string> of)
    {
        foreach (string scope in scopes)
        {
            if (!of.Contains(scope, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
