using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>
/// Discovery and issuer resolution, once: protected resource metadata (RFC 9728), the choice among its authorization servers,
/// their metadata (RFC 8414 / OpenID Connect in the MCP order), and the 2025-03-26 fallback (AUTH-04..AUTH-15, AUTH-24).
/// </summary>
internal sealed class ServerResolver(McpOAuthOptions options, IDiscoveryClient discovery, ILogger logger)
{
    /// <summary>Whether http to loopback is allowed for a server's OAuth endpoints: by option, or because the MCP server itself is
    /// an http loopback URL (local development).</summary>
    public bool AllowHttpFor(Uri serverUri) =>
        options.AllowHttpOnLoopback || (serverUri.Scheme == Uri.UriSchemeHttp && serverUri.IsLoopback);

    /// <summary>Everything a sign-in for a challenged URL needs to know about its servers.</summary>
    public async Task<ResolvedServer> ResolveAsync(Uri serverUri, string? resourceMetadata, bool bypassCache, CancellationToken cancellationToken)
    {
        bool allowHttp = AllowHttpFor(serverUri);
        ProtectedResourceDocument? metadata = await discovery.GetProtectedResourceMetadataAsync(
            new ProtectedResourceMetadataRequest
            {
                ServerUri = serverUri,
                ResourceMetadataUri = resourceMetadata,
                BypassCache = bypassCache,
                AllowHttpOnLoopback = allowHttp,
            },
            cancellationToken).ConfigureAwait(false);

        if (metadata is null)
        {
            return await ResolveLegacyAsync(serverUri, bypassCache, allowHttp, cancellationToken).ConfigureAwait(false);
        }

        string resource = metadata.Resource!;
        McpOAuthException? firstProblem = null;
        foreach (string issuer in CandidatesOf(metadata.AuthorizationServers!))
        {
            McpOAuthException? problem;
            try
            {
                AuthorizationServerDocument? server = await GetMetadataAsync(issuer, legacy: false, bypassCache, allowHttp, cancellationToken).ConfigureAwait(false);
                problem = server is null
                    ? new McpOAuthException(
                        McpOAuthErrorCode.DiscoveryFailed,
                        $"The authorization server '{SafeText.Escape(issuer)}' publishes no RFC 8414 or OpenID Connect metadata.")
                    : ServerSuitability.ProblemWith(options, issuer, server, defaultEndpoints: false);
                if (problem is null)
                {
                    return new ResolvedServer(resource, ResourceUriOf(resource, serverUri), issuer, server!, metadata, DefaultEndpoints: false, allowHttp, CredentialEndpoints.For(serverUri, legacy: false));
                }
            }
            catch (McpOAuthException ex)
            {
                problem = ex;
            }

            // AUTH-08: an entry that cannot be used gives way to the next. Each entry is judged on its own metadata, so falling
            // through never takes one server's word for another's.
            firstProblem ??= problem;
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.AuthorizationServerSkipped(SafeText.Escape(issuer), problem.Code);
            }
        }

        throw firstProblem!;
    }

    /// <summary>The metadata of the issuer behind stored tokens, found again from that issuer's own documents (AUTH-24), or null.</summary>
    public async Task<AuthorizationServerDocument?> FindIssuerAsync(string issuer, Uri resourceUri, CancellationToken cancellationToken)
    {
        bool allowHttp = AllowHttpFor(resourceUri);
        AuthorizationServerDocument? server = await GetMetadataAsync(issuer, legacy: false, bypassCache: false, allowHttp, cancellationToken).ConfigureAwait(false);
        if (server is null && options.AllowLegacyDiscovery)
        {
            server = await GetMetadataAsync(issuer, legacy: true, bypassCache: false, allowHttp, cancellationToken).ConfigureAwait(false)
                ?? LegacyDefaults(issuer);
        }

        return server;
    }

    /// <summary>Whether the resource's current metadata still lists the issuer; fetched afresh, since a rejected token may mean
    /// the server moved to another authorization server.</summary>
    public async Task<bool> IssuerStillServesAsync(Uri serverUri, string? resourceMetadata, string issuer, CancellationToken cancellationToken)
    {
        ProtectedResourceDocument? metadata = await discovery.GetProtectedResourceMetadataAsync(
            new ProtectedResourceMetadataRequest
            {
                ServerUri = serverUri,
                ResourceMetadataUri = resourceMetadata,
                BypassCache = true,
                AllowHttpOnLoopback = AllowHttpFor(serverUri),
            },
            cancellationToken).ConfigureAwait(false);

        // Without metadata (a 2025-03-26 server) the issuer is the server's origin.
        return metadata?.AuthorizationServers?.Contains(issuer, StringComparer.Ordinal)
            ?? string.Equals(issuer, UriPolicy.Origin(serverUri), StringComparison.Ordinal);
    }

    /// <summary>AUTH-15: a 2025-03-26 server; its origin is the authorization server, and the credential is the origin's: the
    /// 2025-03-26 authorization base URL discards the path, so an HTTP+SSE server's <c>/sse</c> stream and its
    /// <c>/messages?sessionId=…</c> endpoint share one sign-in, also after a restart.</summary>
    private async Task<ResolvedServer> ResolveLegacyAsync(Uri serverUri, bool bypassCache, bool allowHttp, CancellationToken cancellationToken)
    {
        if (!options.AllowLegacyDiscovery)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.DiscoveryFailed,
                $"{UriPolicy.EndpointKey(serverUri)} publishes no protected resource metadata (RFC 9728), which MCP servers since the 2025-06-18 specification must. If it is a 2025-03-26 server whose own origin is the authorization server, allow that: McpOAuthOptions.AllowLegacyDiscovery = true (mcp-oauth: --allow-legacy-discovery).");
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ProtectedResourceMetadataNotFound(new Uri(UriPolicy.EndpointKey(serverUri)));
        }

        string issuer = UriPolicy.Origin(serverUri);
        string resource = issuer;
        AuthorizationServerDocument? server = await GetMetadataAsync(issuer, legacy: true, bypassCache, allowHttp, cancellationToken).ConfigureAwait(false);
        bool defaults = server is null;
        if (defaults)
        {
            logger.LegacyDefaultEndpoints(issuer);
        }

        server ??= LegacyDefaults(issuer);
        if (ServerSuitability.ProblemWith(options, issuer, server, defaults) is { } problem)
        {
            throw problem;
        }

        return new ResolvedServer(resource, ResourceUriOf(resource, serverUri), issuer, server, Metadata: null, defaults, allowHttp, CredentialEndpoints.For(serverUri, legacy: true));
    }

    /// <summary>The entries to try, in order: the hook's one choice, or every entry that parses as a URL (at most 16).</summary>
    private List<string> CandidatesOf(IReadOnlyList<string> authorizationServers)
    {
        IReadOnlyList<string> listed = authorizationServers.Count > McpOAuthDefaults.MaxAuthorizationServers
            ? [.. authorizationServers.Take(McpOAuthDefaults.MaxAuthorizationServers)]
            : authorizationServers;
        if (options.SelectAuthorizationServer is { } select)
        {
            string? chosen = select(listed);
            return chosen is not null && listed.Contains(chosen, StringComparer.Ordinal)
                ? [chosen]
                : throw new McpOAuthException(
                    McpOAuthErrorCode.DiscoveryFailed,
                    "The authorization server selector chose none of the servers the protected resource lists.");
        }

        List<string> candidates = [.. listed.Where(candidate => UriPolicy.TryParseAbsolute(candidate, out _))];
        return candidates.Count > 0
            ? candidates
            : throw new McpOAuthException(McpOAuthErrorCode.DiscoveryFailed, "The protected resource lists no usable authorization server.");
    }

    /// <summary>One issuer's metadata; the issuer the configured client is bound to may declare Entra's <c>{tenantid}</c>
    /// placeholder when the options allow it for that issuer alone.</summary>
    private Task<AuthorizationServerDocument?> GetMetadataAsync(string issuer, bool legacy, bool bypassCache, bool allowHttp, CancellationToken cancellationToken) =>
        discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest
            {
                Issuer = issuer,
                Legacy = legacy,
                BypassCache = bypassCache,
                AllowHttpOnLoopback = allowHttp,
                AllowTenantPlaceholder = options.AllowTenantPlaceholderInIssuer && !legacy
                    && string.Equals(options.Client.Issuer, issuer, StringComparison.Ordinal),
            },
            cancellationToken);

    private static Uri ResourceUriOf(string resource, Uri serverUri) =>
        UriPolicy.TryParseAbsolute(resource, out Uri resourceUri) ? resourceUri : serverUri;

    private static AuthorizationServerDocument LegacyDefaults(string issuer) => new()
    {
        Issuer = issuer,
        AuthorizationEndpoint = issuer + "/authorize",
        TokenEndpoint = issuer + "/token",
        RegistrationEndpoint = issuer + "/register",
    };
}
