namespace McpOAuth.Client.Internal;

/// <summary>application/x-www-form-urlencoded values, with spaces as '+' (RFC 6749 Appendix B).</summary>
internal static class FormUrlEncoding
{
    public static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);
}
