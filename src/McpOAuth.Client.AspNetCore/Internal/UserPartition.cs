using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>Whose partition a request is in: the signed-in user's, from a claim or the application's selector; otherwise a new
/// partition of its own that nobody else can reach, so an anonymous request never sees or starts anything that lasts.</summary>
internal static class UserPartition
{
    /// <summary>The prefix of a request's own anonymous partition; 128 random bits follow.</summary>
    public const string AnonymousPrefix = "anonymous:";

    private const string SubjectClaim = "sub";
    private const int MaxLength = 256;

    public static string Of(ClaimsPrincipal? user, McpOAuthWebAppOptions options)
    {
        string? value = user?.Identity?.IsAuthenticated == true ? Select(user, options) : null;
        return string.IsNullOrEmpty(value) ? NewAnonymous() : Usable(value);
    }

    private static string? Select(ClaimsPrincipal user, McpOAuthWebAppOptions options) =>
        options.PartitionSelector is { } selector
            ? selector(user)
            : options.PartitionClaimType is { } claimType
                ? user.FindFirst(claimType)?.Value
                : user.FindFirst(SubjectClaim)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    private static string NewAnonymous() => AnonymousPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>A value too long for a partition, or with control characters, is replaced by its SHA-256: still one per user.</summary>
    private static string Usable(string value) =>
        value.Length <= MaxLength && !value.Any(char.IsControl)
            ? value
            : "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
