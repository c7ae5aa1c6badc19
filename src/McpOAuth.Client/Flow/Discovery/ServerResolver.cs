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
        string issuer = SelectIssuer(metadata.AuthorizationServers!);
        AuthorizationServerDocument server = await discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = issuer, BypassCache = bypassCache, AllowHttpOnLoopback = allowHttp },
            cancellationToken).ConfigureAwait(false)
            ?? throw new McpOAuthException(
                McpOAuthErrorCode.DiscoveryFailed,
                $"The authorization server '{SafeText.Escape(issuer)}' publishes no RFC 8414 or OpenID Connect metadata.");
        return new ResolvedServer(resource, ResourceUriOf(resource, serverUri), issuer, server, metadata, DefaultEndpoints: false, allowHttp);
    }

    /// <summary>The metadata of the issuer behind stored tokens, found again from that issuer's own documents (AUTH-24), or null.</summary>
    public async Task<AuthorizationServerDocument?> FindIssuerAsync(string issuer, Uri resourceUri, CancellationToken cancellationToken)
    {
        bool allowHttp = AllowHttpFor(resourceUri);
        AuthorizationServerDocument? server = await discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = issuer, AllowHttpOnLoopback = allowHttp },
            cancellationToken).ConfigureAwait(false);
        if (server is null && options.AllowLegacyDiscovery)
        {
            server = await discovery.GetAuthorizationServerMetadataAsync(
                new AuthorizationServerMetadataRequest { Issuer = issuer, Legacy = true, AllowHttpOnLoopback = allowHttp },
                cancellationToken).ConfigureAwait(false) ?? LegacyDefaults(issuer);
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

    /// <summary>AUTH-15: a 2025-03-26 server; its origin is the authorization server.</summary>
    private async Task<ResolvedServer> ResolveLegacyAsync(Uri serverUri, bool bypassCache, bool allowHttp, CancellationToken cancellationToken)
    {
        if (!options.AllowLegacyDiscovery)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.DiscoveryFailed,
                $"{UriPolicy.EndpointKey(serverUri)} publishes no protected resource metadata (RFC 9728).");
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ProtectedResourceMetadataNotFound(new Uri(UriPolicy.EndpointKey(serverUri)));
        }

        string resource = UriPolicy.CanonicalResource(serverUri);
        string issuer = UriPolicy.Origin(serverUri);
        AuthorizationServerDocument? server = await discovery.GetAuthorizationServerMetadataAsync(
            new AuthorizationServerMetadataRequest { Issuer = issuer, Legacy = true, BypassCache = bypassCache, AllowHttpOnLoopback = allowHttp },
            cancellationToken).ConfigureAwait(false);
        bool defaults = server is null;
        if (defaults)
        {
            logger.LegacyDefaultEndpoints(issuer);
        }

        return new ResolvedServer(resource, ResourceUriOf(resource, serverUri), issuer, server ?? LegacyDefaults(issuer), Metadata: null, defaults, allowHttp);
    }

    private string SelectIssuer(IReadOnlyList<string> authorizationServers)
    {
        IReadOnlyList<string> candidates = authorizationServers.Count > McpOAuthDefaults.MaxAuthorizationServers
            ? [.. authorizationServers.Take(McpOAuthDefaults.MaxAuthorizationServers)]
            : authorizationServers;
        if (options.SelectAuthorizationServer is { } select)
        {
            string? chosen = select(candidates);
            if (chosen is null || !candidates.Contains(chosen, StringComparer.Ordinal))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.DiscoveryFailed,
                    "The authorization server selector chose none of the servers the protected resource lists.");
            }

            return chosen;
        }

        foreach (string candidate in candidates)
        {
            if (UriPolicy.TryParseAbsolute(candidate, out _))
            {
                return candidate;
            }
        }

        throw new McpOAuthException(McpOAuthErrorCode.DiscoveryFailed, "The protected resource lists no usable authorization server.");
    }

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
