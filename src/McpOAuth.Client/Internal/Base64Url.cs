namespace McpOAuth.Client.Internal;

/// <summary>Base64url without padding (RFC 4648 §5); <c>System.Buffers.Text.Base64Url</c> is net9+ only.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        string base64 = Convert.ToBase64String(bytes);
        return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
