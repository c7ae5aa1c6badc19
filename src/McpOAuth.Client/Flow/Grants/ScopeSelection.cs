namespace McpOAuth.Client.Internal;

/// <summary>The scopes of one sign-in: those requested (remembered for step-up and refresh), and what the authorization request
/// and a dynamic registration carry, which may add <c>offline_access</c> for a client that can refresh.</summary>
/// <param name="Requested">The challenge's scopes (plus earlier ones on step-up) with the configured ones added; else the configured
/// ones; else the resource's <c>scopes_supported</c>; else none (AUTH-26, AUTH-27).</param>
/// <param name="Advertised">The protected resource's <c>scopes_supported</c>.</param>
/// <param name="OfflineAccessListed">Whether <c>offline_access</c> may be added: asked for by the options and listed by the
/// authorization server (AUTH-31).</param>
internal sealed record ScopeSelection(IReadOnlyList<string> Requested, IReadOnlyList<string> Advertised, bool OfflineAccessListed)
{
    public static ScopeSelection For(IReadOnlyList<string>? requested, McpOAuthOptions options, ResolvedServer server)
    {
        IReadOnlyList<string> configured = [.. options.Scopes];
        IReadOnlyList<string> advertised = server.Metadata?.ScopesSupported ?? [];
        IReadOnlyList<string> scopes = requested is not null ? Union(requested, configured)
            : configured.Count > 0 ? configured
            : advertised;
        bool offlineAccess = options.RequestOfflineAccess
            && server.Server.ScopesSupported?.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal) == true;
        return new ScopeSelection(scopes, advertised, offlineAccess);
    }

    /// <summary>The <c>scope</c> of the authorization (or device authorization) request for a client: <c>offline_access</c> is added
    /// only for a client whose grant types include <c>refresh_token</c> (the MCP TypeScript SDK's rule), which is known only for the
    /// client this library registered.</summary>
    public IReadOnlyList<string> ParameterFor(ClientRegistration client) => WithOfflineAccess(Requested, CanRefresh(client));

    /// <summary>The <c>scope</c> of a dynamic registration (RFC 7591 §2): what this sign-in asks for and what the resource may
    /// later ask for on step-up, so a server that holds clients to their registered scope does not refuse them, plus
    /// <c>offline_access</c>, since the registration asks for the <c>refresh_token</c> grant.</summary>
    public IReadOnlyList<string> ForRegistration() => WithOfflineAccess(Union(Requested, Advertised), canRefresh: true);

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

    private static bool CanRefresh(ClientRegistration client) =>
        client.Kind == ClientRegistrationKind.Dynamic
        && client.GrantTypes?.Contains(OAuthWireNames.RefreshTokenGrant, StringComparer.Ordinal) != false;

    private IReadOnlyList<string> WithOfflineAccess(IReadOnlyList<string> scopes, bool canRefresh) =>
        OfflineAccessListed && canRefresh && scopes.Count > 0 && !scopes.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal)
            ? [.. scopes, OAuthWireNames.OfflineAccess]
            : scopes;
}
