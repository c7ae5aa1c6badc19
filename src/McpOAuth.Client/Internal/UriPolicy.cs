namespace McpOAuth.Client.Internal;

/// <summary>The one place that decides which URLs the library may contact, and how metadata URLs are built.</summary>
internal static class UriPolicy
{
    public const string ProtectedResourceWellKnown = "/.well-known/oauth-protected-resource";
    public const string OAuthServerWellKnown = "/.well-known/oauth-authorization-server";
    public const string OpenIdWellKnown = "/.well-known/openid-configuration";

    /// <summary>Parses an absolute http(s) URL from server-supplied text; rejects control characters and whitespace.</summary>
    public static bool TryParseAbsolute(string? value, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return false;
        }

        // Only http(s) is ever used, and bidi and other format characters (U+202E...) only ever serve to disguise a URL.
        if (!value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                return false;
            }
        }

        Uri? parsed;
        try
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out parsed))
            {
                return false;
            }
        }
        catch (IndexOutOfRangeException)
        {
            return false; // Uri.TryCreate itself throws for "file://\u202e/e;" (found by the fuzzer; a BCL defect).
        }

        // The metadata URLs are built from the origin, so it must parse again: "https://\u202e" does not (found by the fuzzer).
        if ((parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || IdnHostOf(parsed) is null
            || !Uri.TryCreate(Origin(parsed), UriKind.Absolute, out _))
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    /// <summary>The host in its ASCII (punycode) form, or null when it is not a valid IDN host: <see cref="Uri.IdnHost"/>
    /// throws <see cref="UriFormatException"/> for some hosts that <see cref="Uri.TryCreate(string, UriKind, out Uri)"/>
    /// accepts (a zero-width space before a label that ends in a hyphen, U+FFFD), found by the fuzzer in server-supplied URLs.</summary>
    private static string? IdnHostOf(Uri uri)
    {
        try
        {
            return uri.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary>True when the host is a loopback name or literal (never a name that merely starts with one).</summary>
    public static bool IsLoopback(Uri uri) => uri.IsLoopback;

    /// <summary>True when the URL may carry OAuth traffic: https, or http to a loopback host when allowed.</summary>
    public static bool IsSecure(Uri uri, bool allowHttpLoopback)
    {
        if (!uri.IsAbsoluteUri || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }

        return uri.Scheme == Uri.UriSchemeHttp && allowHttpLoopback && IsLoopback(uri);
    }

    /// <summary>Parses and checks a server-supplied endpoint URL, or throws <see cref="McpOAuthErrorCode.InsecureEndpoint"/>.</summary>
    public static Uri RequireSecureEndpoint(string? value, bool allowHttpLoopback, string what)
    {
        if (!TryParseAbsolute(value, out Uri uri) || !string.IsNullOrEmpty(uri.Fragment) || !IsSecure(uri, allowHttpLoopback))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsecureEndpoint,
                $"The {what} is not an https URL (or http to a loopback host), or has userinfo or a fragment; it was refused.");
        }

        return uri;
    }

    /// <summary>The origin (scheme, host and non-default port) with no trailing slash.</summary>
    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    /// <summary>The canonical resource identifier of an MCP server URL (MCP "Canonical Server URI", RFC 8707 §2).</summary>
    /// <remarks>Lowercase scheme and host, no fragment, no query, and no trailing slash on an empty path.</remarks>
    public static string CanonicalResource(Uri serverUri)
    {
        string path = serverUri.AbsolutePath;
        if (path == "/")
        {
            path = string.Empty;
        }

        return Origin(serverUri) + path;
    }

    /// <summary>The MCP server URL without query and fragment: the key under which a session is kept.</summary>
    public static string EndpointKey(Uri requestUri) => requestUri.GetLeftPart(UriPartial.Path);

    /// <summary>
    /// Whether a protected resource's <c>resource</c> value identifies the MCP server: the same origin, and a path that is
    /// the server's path or a prefix of it on a segment boundary (the ecosystem's reading of RFC 9728 §3.3, AUTH-07).
    /// </summary>
    public static bool ResourceIdentifiesServer(string resource, Uri serverUri)
    {
        if (!TryParseAbsolute(resource, out Uri res) || !string.IsNullOrEmpty(res.Fragment) || !string.IsNullOrEmpty(res.UserInfo))
        {
            return false;
        }

        return ResourceIdentifiesServer(res, serverUri);
    }

    /// <summary>The same check for an already parsed resource.</summary>
    public static bool ResourceIdentifiesServer(Uri res, Uri serverUri)
    {
        if (!string.Equals(res.Scheme, serverUri.Scheme, StringComparison.OrdinalIgnoreCase)
            || IdnHostOf(res) is not { } resourceHost
            || !string.Equals(resourceHost, IdnHostOf(serverUri), StringComparison.OrdinalIgnoreCase)
            || res.Port != serverUri.Port)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(res.Query) && !string.Equals(res.Query, serverUri.Query, StringComparison.Ordinal))
        {
            return false;
        }

        string resourcePath = res.AbsolutePath.TrimEnd('/');
        string serverPath = serverUri.AbsolutePath;
        if (resourcePath.Length == 0)
        {
            return true;
        }

        return string.Equals(serverPath.TrimEnd('/'), resourcePath, StringComparison.Ordinal)
            || serverPath.StartsWith(resourcePath + "/", StringComparison.Ordinal);
    }

    /// <summary>The RFC 9728 §3.1 well-known URLs for a server, path-aware first, then root (AUTH-05, AUTH-06).</summary>
    public static IReadOnlyList<Uri> ProtectedResourceMetadataUris(Uri serverUri)
    {
        string origin = Origin(serverUri);
        string path = serverUri.AbsolutePath;
        string query = serverUri.Query;
        var root = new Uri(origin + ProtectedResourceWellKnown);
        if ((path.Length == 0 || path == "/") && query.Length == 0)
        {
            return [root];
        }

        if (path == "/")
        {
            path = string.Empty;
        }

        return [new Uri(origin + ProtectedResourceWellKnown + path + query), root];
    }

    /// <summary>The authorization server metadata URLs for an issuer in the MCP order (AUTH-11, RFC 8414 §3.1, OIDC §4).</summary>
    public static IReadOnlyList<Uri> AuthorizationServerMetadataUris(Uri issuer)
    {
        string origin = Origin(issuer);
        string path = issuer.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            return [new Uri(origin + OAuthServerWellKnown), new Uri(origin + OpenIdWellKnown)];
        }

        return
        [
            new Uri(origin + OAuthServerWellKnown + path),
            new Uri(origin + OpenIdWellKnown + path),
            new Uri(origin + path + OpenIdWellKnown),
        ];
    }

    /// <summary>AUTH-20 / CIMD §3: https, a path, no fragment, no userinfo, no dot segments.</summary>
    public static void RequireClientMetadataDocumentUri(Uri uri)
    {
        string original = uri.OriginalString;
        bool valid = uri.IsAbsoluteUri
            && uri.Scheme == Uri.UriSchemeHttps
            && string.IsNullOrEmpty(uri.UserInfo)
            && !original.Contains('#', StringComparison.Ordinal)
            && uri.AbsolutePath.Length > 1
            && !original.Contains("/./", StringComparison.Ordinal)
            && !original.Contains("/../", StringComparison.Ordinal)
            && !original.EndsWith("/.", StringComparison.Ordinal)
            && !original.EndsWith("/..", StringComparison.Ordinal);
        if (!valid)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InsecureEndpoint,
                "The Client ID Metadata Document URL must be https with a path, and have no fragment, userinfo or dot segments.");
        }
    }
}
