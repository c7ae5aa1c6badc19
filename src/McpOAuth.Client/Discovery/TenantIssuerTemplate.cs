namespace McpOAuth.Client.Internal;

/// <summary>
/// Microsoft Entra ID's multi-tenant metadata (<c>…/common/v2.0</c>, <c>…/organizations/v2.0</c>) declares the issuer
/// <c>…/{tenantid}/v2.0</c>. This decides, narrowly, whether such a declared issuer stands for the issuer it was fetched for:
/// exactly one placeholder, filling one whole path segment, and the fetched issuer's own segment in its place gives that issuer
/// byte for byte. The origin and every other character must match, so no other server can pass.
/// </summary>
internal static class TenantIssuerTemplate
{
    public const string Placeholder = "{tenantid}";

    /// <summary>Whether the declared issuer contains the placeholder at all (for an error message that names the option).</summary>
    public static bool HasPlaceholder(string? declared) => declared?.Contains(Placeholder, StringComparison.Ordinal) == true;

    /// <summary>Whether <paramref name="declared"/>, with <paramref name="issuer"/>'s segment for the placeholder, is
    /// <paramref name="issuer"/>.</summary>
    public static bool Instantiates(string? declared, string issuer)
    {
        if (declared is null || !UriPolicy.TryParseAbsolute(issuer, out Uri issuerUri))
        {
            return false;
        }

        int at = declared.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || declared.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        string prefix = declared[..at];
        string suffix = declared[(at + Placeholder.Length)..];
        if (!prefix.StartsWith(UriPolicy.Origin(issuerUri) + "/", StringComparison.Ordinal) || prefix[^1] != '/'
            || (suffix.Length > 0 && suffix[0] != '/')
            || issuer.Length <= prefix.Length + suffix.Length
            || !issuer.StartsWith(prefix, StringComparison.Ordinal)
            || !issuer.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        string segment = issuer[prefix.Length..^suffix.Length];
        return segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
    }
}
