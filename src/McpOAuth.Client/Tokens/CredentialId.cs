using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The name of a credential in a durable store: a SHA-256 of its length-prefixed parts, as 64 hexadecimal digits, so no
/// URL can steer a path and no two keys share a name (STORE-05, STORE-10). Shared by the file and keyring stores.</summary>
internal static class CredentialId
{
    /// <summary>Gets the id of a credential.</summary>
    /// <param name="key">The credential.</param>
    /// <returns>64 uppercase hexadecimal digits. The default partition adds nothing, so ids from before partitions stay.</returns>
    public static string Of(TokenStoreKey key)
    {
        string partition = key.Partition.Length == 0 ? string.Empty : $"{key.Partition.Length}:{key.Partition}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{key.Resource.Length}:{key.Resource}{key.Issuer.Length}:{key.Issuer}{key.ClientId.Length}:{key.ClientId}{partition}")));
    }
}
