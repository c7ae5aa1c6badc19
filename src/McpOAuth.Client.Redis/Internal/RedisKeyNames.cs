using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The Redis keys of one credential. Every part of a <see cref="TokenStoreKey"/> is hashed, so no URL, client id or user
/// name appears in a key, and no two credentials share one (length-prefixed parts, STORE-10).</summary>
/// <remarks>The keys of one partition share a Redis Cluster hash slot (the <c>{…}</c> hash tag is the partition's hash), so the
/// compare-and-set script, which touches a record and its partition's index, works on a cluster too.</remarks>
internal readonly record struct RedisKeyNames(RedisKey Record, RedisKey Index, RedisKey Lock, string PartitionHash, string CredentialHash)
{
    /// <summary>The hash field holding the record's version: 1 for the first write, one more for every write or removal.</summary>
    public static readonly RedisValue VersionField = "v";

    /// <summary>The hash field holding the record (<see cref="TokenSetSerializer"/> JSON, or its Data Protection ciphertext).</summary>
    public static readonly RedisValue DataField = "d";

    public static RedisKeyNames For(string prefix, TokenStoreKey key)
    {
        string partition = Hash(key.Partition);
        string credential = Hash(
            $"{key.Resource.Length}:{key.Resource}{key.Issuer.Length}:{key.Issuer}{key.ClientId.Length}:{key.ClientId}{key.Partition.Length}:{key.Partition}");
        return ForHashes(prefix, partition, credential);
    }

    public static RedisKeyNames ForHashes(string prefix, string partitionHash, string credentialHash) => new(
        $"{prefix}{{{partitionHash}}}:token:{credentialHash}",
        IndexOf(prefix, partitionHash),
        $"{prefix}{{{partitionHash}}}:lock:{credentialHash}",
        partitionHash,
        credentialHash);

    /// <summary>The set of the credential hashes stored in one partition.</summary>
    public static RedisKey IndexOf(string prefix, string partitionHash) => $"{prefix}{{{partitionHash}}}:index";

    /// <summary>The set of the partition hashes that ever held a credential (for <see cref="ITokenStore.ListAsync"/>).</summary>
    public static RedisKey Partitions(string prefix) => $"{prefix}partitions";

    public static string PartitionHashOf(string partition) => Hash(partition);

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value))).ToLowerInvariant();
}
