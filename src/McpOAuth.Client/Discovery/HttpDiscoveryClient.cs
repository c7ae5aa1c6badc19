using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>Discovery over HTTP, with validation and a small per-resource and per-issuer cache.</summary>
internal sealed class HttpDiscoveryClient : IDiscoveryClient
{
    private const int MaxCacheEntries = 256;
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);

    private readonly Backchannel _backchannel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CacheEntry<ProtectedResourceDocument>> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CacheEntry<AuthorizationServerDocument>> _servers = new(StringComparer.Ordinal);

    public HttpDiscoveryClient(Backchannel backchannel, TimeProvider time, ILogger logger)
    {
        _backchannel = backchannel;
        _time = time;
        _logger = logger;
    }

    public Task<ProtectedResourceDocument?> GetProtectedResourceMetadataAsync(
        ProtectedResourceMetadataRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string cacheKey = (request.AllowHttpOnLoopback ? "http\n" : "https\n") + UriPolicy.EndpointKey(request.ServerUri) + "\n" + request.ResourceMetadataUri;
        return GetCachedAsync(_resources, cacheKey, request.BypassCache, ct => FetchProtectedResourceAsync(request, ct), cancellationToken);
    }

    public Task<AuthorizationServerDocument?> GetAuthorizationServerMetadataAsync(
        AuthorizationServerMetadataRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string cacheKey = (request.Legacy ? "legacy\n" : "\n") + (request.AllowHttpOnLoopback ? "http\n" : "https\n")
            + (request.AllowTenantPlaceholder ? "tenant\n" : "\n") + request.Issuer;
        return GetCachedAsync(_servers, cacheKey, request.BypassCache, ct => FetchAuthorizationServerAsync(request, ct), cancellationToken);
    }

    /// <summary>A cached document unless the caller bypasses the cache; a fetched one is cached, a missing one is not.</summary>
    private async Task<T?> GetCachedAsync<T>(
        ConcurrentDictionary<string, CacheEntry<T>> cache,
        string cacheKey,
        bool bypassCache,
        Func<CancellationToken, Task<T?>> fetch,
        CancellationToken cancellationToken)
        where T : class
    {
        if (!bypassCache && TryGetCached(cache, cacheKey, out T? cached))
        {
            return cached;
        }

        T? document = await fetch(cancellationToken).ConfigureAwait(false);
        if (document is not null)
        {
            Cache(cache, cacheKey, document);
        }

        return document;
    }

    private async Task<ProtectedResourceDocument?> FetchProtectedResourceAsync(
        ProtectedResourceMetadataRequest request,
        CancellationToken cancellationToken)
    {
        // AUTH-04: the challenge's URL first, and alone when it answers.
        if (request.ResourceMetadataUri is { } headerValue)
        {
            if (UriPolicy.TryParseAbsolute(headerValue, out Uri headerUri)
                && string.IsNullOrEmpty(headerUri.Fragment)
                && UriPolicy.IsSecure(headerUri, request.AllowHttpOnLoopback))
            {
                ProtectedResourceDocument? fromHeader = await TryFetchProtectedResourceAsync(headerUri, request, cancellationToken)
                    .ConfigureAwait(false);
                if (fromHeader is not null)
                {
                    return fromHeader;
                }
            }
            else
            {
                _logger.ResourceMetadataParameterUnusable();
            }
        }

        // AUTH-05: path-aware, then root; never the root when the path-aware one answered.
        foreach (Uri candidate in UriPolicy.ProtectedResourceMetadataUris(request.ServerUri))
        {
            ProtectedResourceDocument? document = await TryFetchProtectedResourceAsync(candidate, request, cancellationToken)
                .ConfigureAwait(false);
            if (document is not null)
            {
                return document;
            }
        }

        return null;
    }

    private async Task<ProtectedResourceDocument?> TryFetchProtectedResourceAsync(
        Uri metadataUri,
        ProtectedResourceMetadataRequest request,
        CancellationToken cancellationToken)
    {
        BackchannelResponse response = await _backchannel.GetAsync(metadataUri, null, cancellationToken).ConfigureAwait(false);
        ProtectedResourceDocument? document = TryParse(response, metadataUri, McpOAuthJsonContext.Default.ProtectedResourceDocument);
        if (document is null)
        {
            return null;
        }

        // AUTH-07 / RFC 9728 §3.3: a document about another resource is never used, and nothing else is tried.
        if (string.IsNullOrEmpty(document.Resource))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                $"The protected resource metadata at {metadataUri.GetLeftPart(UriPartial.Path)} has no 'resource'.");
        }

        if (!UriPolicy.ResourceIdentifiesServer(document.Resource, request.ServerUri))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ResourceMismatch,
                $"The protected resource metadata names the resource '{SafeText.Escape(document.Resource)}', which does not identify the MCP server {UriPolicy.EndpointKey(request.ServerUri)}; authorization was not started.");
        }

        if (document.AuthorizationServers is not { Count: > 0 })
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.DiscoveryFailed,
                $"The protected resource metadata at {metadataUri.GetLeftPart(UriPartial.Path)} lists no authorization server.");
        }

        _logger.ProtectedResourceMetadataFound(metadataUri);
        return document;
    }

    private async Task<AuthorizationServerDocument?> FetchAuthorizationServerAsync(
        AuthorizationServerMetadataRequest request,
        CancellationToken cancellationToken)
    {
        if (!UriPolicy.TryParseAbsolute(request.Issuer, out Uri issuerUri)
            || !string.IsNullOrEmpty(issuerUri.Query) || !string.IsNullOrEmpty(issuerUri.Fragment)
            || !UriPolicy.IsSecure(issuerUri, request.AllowHttpOnLoopback))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsecureEndpoint,
                $"The issuer '{SafeText.Escape(request.Issuer)}' is not an https URL without query and fragment (or http to a loopback host); it was refused.");
        }

        IReadOnlyList<Uri> candidates = request.Legacy
            ? [new Uri(UriPolicy.Origin(issuerUri) + UriPolicy.OAuthServerWellKnown)]
            : UriPolicy.AuthorizationServerMetadataUris(issuerUri);
        IReadOnlyList<KeyValuePair<string, string>>? headers = request.Legacy
            ? [new("MCP-Protocol-Version", "2025-03-26")]
            : null;

        foreach (Uri candidate in candidates)
        {
            BackchannelResponse response = await _backchannel.GetAsync(candidate, headers, cancellationToken).ConfigureAwait(false);
            AuthorizationServerDocument? document = TryParse(response, candidate, McpOAuthJsonContext.Default.AuthorizationServerDocument);
            if (document is null)
            {
                continue;
            }

            document = Validate(document, request, candidate);
            _logger.AuthorizationServerMetadataFound(candidate);
            return document;
        }

        return null;
    }

    /// <summary>Checks a document and returns it as it is used: with the issuer it was fetched for when a narrow
    /// <c>{tenantid}</c> placeholder was allowed and matched.</summary>
    private AuthorizationServerDocument Validate(AuthorizationServerDocument document, AuthorizationServerMetadataRequest request, Uri candidate)
    {
        // AUTH-12, RFC 8414 §3.3: identical string, no normalization; one opt-in exception for the configured issuer.
        if (!string.Equals(document.Issuer, request.Issuer, StringComparison.Ordinal))
        {
            if (!request.AllowTenantPlaceholder || !TenantIssuerTemplate.Instantiates(document.Issuer, request.Issuer))
            {
                string hint = TenantIssuerTemplate.HasPlaceholder(document.Issuer)
                    ? " For Microsoft Entra ID's multi-tenant endpoints, bind the client to this issuer (Client.Issuer; mcp-oauth: --issuer URL) and set McpOAuthOptions.AllowTenantPlaceholderInIssuer."
                    : string.Empty;
                throw new McpOAuthException(
                    McpOAuthErrorCode.IssuerMismatch,
                    $"The authorization server metadata at {candidate.GetLeftPart(UriPartial.Path)} declares the issuer '{SafeText.Escape(document.Issuer)}', not '{SafeText.Escape(request.Issuer)}'; none of its endpoints is used.{hint}");
            }

            _logger.TenantPlaceholderIssuerAccepted(request.Issuer);
            document = document with { Issuer = request.Issuer };
        }

        if (document.AuthorizationEndpoint is null || document.TokenEndpoint is null)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                $"The authorization server metadata of '{SafeText.Escape(request.Issuer)}' lacks an authorization or token endpoint.");
        }

        // AUTH-14, AUTH-44, AUTH-46: every endpoint https (or http to loopback when allowed); no javascript:, data:, file: ...
        UriPolicy.RequireSecureEndpoint(document.AuthorizationEndpoint, request.AllowHttpOnLoopback, "authorization endpoint");
        UriPolicy.RequireSecureEndpoint(document.TokenEndpoint, request.AllowHttpOnLoopback, "token endpoint");
        if (document.RegistrationEndpoint is not null)
        {
            UriPolicy.RequireSecureEndpoint(document.RegistrationEndpoint, request.AllowHttpOnLoopback, "registration endpoint");
        }

        if (document.RevocationEndpoint is not null)
        {
            UriPolicy.RequireSecureEndpoint(document.RevocationEndpoint, request.AllowHttpOnLoopback, "revocation endpoint");
        }

        return document;
    }

    private T? TryParse<T>(BackchannelResponse response, Uri uri, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        // Only "not here" moves on to the next candidate. A server error that outlasted the retries is not "no metadata":
        // read that way it would skip a refresh or fall back to guessed 2025-03-26 endpoints.
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.ServerUnreachable,
                $"{uri.GetLeftPart(UriPartial.Path)} answered HTTP {(int)response.StatusCode}; try again later.");
        }

        T? document = response.StatusCode == HttpStatusCode.OK ? response.TryReadJson(typeInfo) : null;
        if (document is null)
        {
            _logger.MetadataCandidateSkipped(uri, (int)response.StatusCode);
        }

        return document;
    }

    private bool TryGetCached<T>(ConcurrentDictionary<string, CacheEntry<T>> cache, string key, out T? value)
        where T : class
    {
        if (cache.TryGetValue(key, out CacheEntry<T>? entry) && entry.ExpiresAt > _time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    private void Cache<T>(ConcurrentDictionary<string, CacheEntry<T>> cache, string key, T value)
        where T : class
    {
        if (cache.Count >= MaxCacheEntries)
        {
            cache.Clear();
        }

        cache[key] = new CacheEntry<T>(value, _time.GetUtcNow() + CacheLifetime);
    }

    private sealed record CacheEntry<T>(T Value, DateTimeOffset ExpiresAt);
}
