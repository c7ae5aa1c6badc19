using System.Net;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Redirect URI rules of the test authorization server (RFC 6749 §3.1.2, RFC 8252 §7.3).</summary>
internal static class RedirectUris
{
    /// <summary>Whether the URI's host is a loopback IP literal (<c>127.0.0.0/8</c> or <c>[::1]</c>), not <c>localhost</c>.</summary>
    public static bool IsLoopbackLiteral(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && IPAddress.TryParse(uri.IdnHost, out var address)
        && IPAddress.IsLoopback(address);

    /// <summary>Whether a redirect URI may be registered: absolute, no fragment, and <c>http</c> only on loopback.</summary>
    public static bool IsRegistrable(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Fragment.Length == 0
        && (uri.Scheme != Uri.UriSchemeHttp || IsLoopbackLiteral(uri) || uri.IsLoopback);

    /// <summary>Whether <paramref name="requested"/> is allowed for a client with <paramref name="registered"/> URIs:
    /// an exact match, or a loopback-literal <c>http</c> URI that differs from a registered one only in its port.
    /// A client with no registered URIs may use any loopback-literal <c>http</c> URI.</summary>
    public static bool IsAllowed(IReadOnlyList<string> registered, string requested, bool exact = false)
    {
        if (!Uri.TryCreate(requested, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0)
        {
            return false;
        }

        var loopback = uri.Scheme == Uri.UriSchemeHttp && IsLoopbackLiteral(uri);
        if (registered.Count == 0)
        {
            return loopback;
        }

        foreach (var candidate in registered)
        {
            if (string.Equals(candidate, requested, StringComparison.Ordinal))
            {
                return true;
            }

            if (loopback && !exact
                && Uri.TryCreate(candidate, UriKind.Absolute, out var registeredUri)
                && registeredUri.Scheme == Uri.UriSchemeHttp
                && string.Equals(registeredUri.Host, uri.Host, StringComparison.OrdinalIgnoreCase)
                && string.Equals(registeredUri.PathAndQuery, uri.PathAndQuery, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
