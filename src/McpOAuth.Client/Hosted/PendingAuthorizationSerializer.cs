using System.Text.Json;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client;

/// <summary>The JSON form of a <see cref="PendingAuthorization"/>, for stores that keep bytes (a distributed cache, Redis).</summary>
public static class PendingAuthorizationSerializer
{
    /// <summary>Serializes a pending sign-in to UTF-8 JSON; the result holds secrets, so protect it at rest.</summary>
    /// <param name="pending">The sign-in.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pending"/> is <see langword="null"/>.</exception>
    public static byte[] Serialize(PendingAuthorization pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return JsonSerializer.SerializeToUtf8Bytes(pending, McpOAuthJsonContext.Default.PendingAuthorization);
    }

    /// <summary>Reads bytes written by <see cref="Serialize"/>.</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <param name="pending">The sign-in, when readable.</param>
    /// <returns><see langword="true"/> when the bytes are a complete pending sign-in.</returns>
    public static bool TryDeserialize(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingAuthorization? pending)
    {
        try
        {
            pending = JsonSerializer.Deserialize(utf8Json, McpOAuthJsonContext.Default.PendingAuthorization);
            return pending is not null;
        }
        catch (JsonException)
        {
            pending = null;
            return false;
        }
    }
}
