using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>PKCE with S256 only: 32 bytes from <see cref="RandomNumberGenerator"/>, base64url-encoded (43 characters).</summary>
internal sealed class S256PkceGenerator : IPkceGenerator
{
    public PkcePair Generate()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        string verifier = Base64Url.Encode(random);
        return new PkcePair(verifier, ComputeChallenge(verifier));
    }

    public static string ComputeChallenge(string verifier)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(verifier), hash);
        return Base64Url.Encode(hash);
    }
}
