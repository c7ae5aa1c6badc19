using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>The temporary files of a credential's writes (<c>.&lt;hash&gt;.&lt;guid&gt;.tmp</c>): a complete one left by a writer that
/// died before its rename is adopted under the credential's lock (REF-05); stale ones are deleted (STORE-06).</summary>
/// <param name="directory">The store's directory.</param>
/// <param name="read">Reads a token file: only a regular file, never a link; <see langword="null"/> when unreadable.</param>
/// <param name="logger">Receives what was adopted or could not be; never a token.</param>
/// <param name="time">The clock that decides what is stale.</param>
internal sealed class PendingTokenWrites(string directory, Func<string, TokenSet?> read, ILogger logger, TimeProvider time)
{
    /// <summary>How old a temporary file must be before a writer deletes it: older than any write in progress.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromMinutes(1);

    /// <summary>A new temporary file name for a write of <paramref name="target"/>.</summary>
    /// <param name="target">The credential's file.</param>
    /// <returns>The temporary file's path, in the same directory.</returns>
    public static string NewTempPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Renames the newest complete, parseable pending write of a credential over its file, when that write is newer
    /// (by <see cref="TokenSet.ObtainedAt"/>) than the file or the file is missing or unreadable.</summary>
    /// <param name="key">The credential; a pending write of another key is never adopted.</param>
    /// <param name="target">The credential's file.</param>
    /// <remarks>Call it only while holding the credential's lock, so no other writer of this credential is between its flush
    /// and its rename. A newer generation is never replaced by an older one.</remarks>
    public void Adopt(TokenStoreKey key, string target)
    {
        TokenSet? current = read(target) is { } stored && stored.Key == key ? stored : null;
        string? newest = null;
        DateTimeOffset newestObtainedAt = current?.ObtainedAt ?? DateTimeOffset.MinValue;
        foreach (string temp in Of(target))
        {
            if (read(temp) is not { } pending || pending.Key != key)
            {
                continue;
            }

            bool newer = newest is null && current is null ? pending.ObtainedAt >= newestObtainedAt : pending.ObtainedAt > newestObtainedAt;
            if (newer)
            {
                newest = temp;
                newestObtainedAt = pending.ObtainedAt;
            }
        }

        if (newest is null)
        {
            return;
        }

        try
        {
            TokenFile.RefuseLink(target);
            File.Move(newest, target, overwrite: true);
            logger.PendingTokenWriteAdopted(target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.TokenFileIgnored(newest, $"its pending write could not be adopted ({ex.GetType().Name})");
        }
    }

    /// <summary>Deletes the temporary files of a credential that are older than any write in progress.</summary>
    /// <param name="target">The credential's file.</param>
    public void DeleteStale(string target)
    {
        DateTime cutoff = (time.GetUtcNow() - StaleAge).UtcDateTime;
        foreach (string temp in Of(target))
        {
            if (new FileInfo(temp).LastWriteTimeUtc < cutoff)
            {
                TokenFile.TryDelete(temp);
            }
        }
    }

    /// <summary>Deletes every temporary file of a credential: it is being removed, and they may hold complete copies of it.</summary>
    /// <param name="target">The credential's file.</param>
    public void DeleteAll(string target)
    {
        foreach (string temp in Of(target))
        {
            TokenFile.TryDelete(temp);
        }
    }

    private IEnumerable<string> Of(string target) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "." + Path.GetFileNameWithoutExtension(target) + ".*.tmp")
            : [];
}
