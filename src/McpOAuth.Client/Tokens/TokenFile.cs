namespace McpOAuth.Client.Internal;

/// <summary>Reads and writes one token file: only regular files are read, modes are changed on the open handle, and writes go
/// through an owner-only temporary file that is flushed and renamed over the target.</summary>
internal static class TokenFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads a token file's bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">Why nothing was read, for a warning; <see langword="null"/> when the file is simply absent.</param>
    /// <param name="tightened">Whether a mode readable by others was narrowed to 0600 (STORE-02).</param>
    /// <returns>The bytes, or <see langword="null"/>.</returns>
    /// <remarks>A symbolic link is refused (STORE-04). A FIFO, socket or device is never opened, because opening a FIFO waits for a
    /// writer: such files have no size in <c>lstat(2)</c>, and the handle of whatever was opened must also be seekable. The
    /// window between the check and the open is reachable only by the directory's owner (it is 0700 and the user's own).</remarks>
    public static byte[]? TryRead(string path, out string? problem, out bool tightened)
    {
        problem = null;
        tightened = false;
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            if (info.LinkTarget is not null)
            {
                problem = "it is a symbolic link";
            }

            return null;
        }

        if (info.LinkTarget is not null)
        {
            problem = "it is a symbolic link";
            return null;
        }

        if (info.Length == 0)
        {
            problem = "it is empty or not a regular file";
            return null;
        }

        if (info.Length > McpOAuthDefaults.MaxResponseBytes)
        {
            problem = "it is too large";
            return null;
        }

        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length;
        try
        {
            length = RandomAccess.GetLength(handle);
        }
        catch (NotSupportedException)
        {
            problem = "it is not a regular file";
            return null;
        }

        if (length is <= 0 or > McpOAuthDefaults.MaxResponseBytes)
        {
            problem = "it is empty, too large or not a regular file";
            return null;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(handle) & GroupOrOther) != 0)
        {
            File.SetUnixFileMode(handle, OwnerOnly);
            tightened = true;
        }

        byte[] bytes = new byte[length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>Creates a new owner-only file for writing: mode 0600 (<c>UnixCreateMode</c>) or an owner-only ACL from the moment it
    /// exists (STORE-01, STORE-03).</summary>
    /// <param name="path">The file, which must not exist.</param>
    /// <param name="options">Options such as write-through.</param>
    /// <returns>The open file.</returns>
    public static FileStream CreateNew(string path, FileOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            return OwnerOnlySecurity.CreateFile(path, options);
        }

        return new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = options,
            UnixCreateMode = OwnerOnly,
        });
    }

    /// <summary>Opens (creating owner-only when missing) a lock file exclusively.</summary>
    /// <param name="path">The lock file.</param>
    /// <returns>The open lock file; the lock lasts until it is disposed, or the process dies.</returns>
    public static FileStream OpenLock(string path)
    {
        if (OperatingSystem.IsWindows() && !File.Exists(path))
        {
            try
            {
                OwnerOnlySecurity.CreateFile(path, FileOptions.None).Dispose();
            }
            catch (IOException)
            {
                // Another process created it first: fine, the exclusive open below decides who holds the lock.
            }
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return new FileStream(path, options);
    }

    /// <summary>Refuses a path that is a symbolic link (STORE-04).</summary>
    /// <param name="path">The path.</param>
    /// <exception cref="McpOAuthException">It is a link (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public static void RefuseLink(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.StoreUnavailable,
                $"The token store path '{path}' is a symbolic link, so it was not used; remove the link.");
        }
    }

    /// <summary>Deletes a file, ignoring failures.</summary>
    /// <param name="path">The file.</param>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
