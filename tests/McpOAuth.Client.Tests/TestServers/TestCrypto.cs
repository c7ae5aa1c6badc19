using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Random opaque values and the PKCE S256 transform for the test servers.</summary>
internal static class TestCrypto
{
    /// <summary>Returns <paramref name="prefix"/> followed by 32 random bytes in base64url, e.g. <c>at-…</c>.</summary>
    public static string NewOpaqueValue(string prefix) =>
        prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Computes <c>BASE64URL(SHA256(ASCII(verifier)))</c> (RFC 7636 §4.2).</summary>
    public static string S256(string verifier) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Checks RFC 7636 §4.1: 43 to 128 characters from <c>[A-Za-z0-9-._~]</c>.</summary>
    public static bool IsValidVerifierOrChallenge(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
