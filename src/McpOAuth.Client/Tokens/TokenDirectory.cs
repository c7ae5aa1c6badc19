namespace McpOAuth.Client.Internal;

/// <summary>The directory of a file-based store: created owner-only, and used only while it is the current user's own, not a
/// symbolic link and, on Unix, mode 0700 (issue 10 item 0, STORE-02, STORE-04).</summary>
/// <remarks>A directory that fails the check is refused, never repaired: .NET cannot open a directory as a handle, so changing its
/// mode would be a change by path after a check, which another process could redirect. The message says how to repair it.</remarks>
internal sealed class TokenDirectory(string path)
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private int _ownerVerified;

    /// <summary>Gets the directory's full path.</summary>
    public string Path { get; } = path;

    /// <summary>Checks an existing directory.</summary>
    /// <returns><see langword="false"/> when the directory does not exist.</returns>
    /// <exception cref="McpOAuthException">It exists and is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public bool VerifyIfExists()
    {
        var info = new DirectoryInfo(Path);
        if (!info.Exists)
        {
            if (info.LinkTarget is not null || File.Exists(Path))
            {
                throw Refused("is a symbolic link or a file, not a directory", $"remove it, or choose another directory");
            }

            return false;
        }

        if (info.LinkTarget is not null)
        {
            throw Refused("is a symbolic link", "replace it with a real directory");
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        if (Volatile.Read(ref _ownerVerified) == 0)
        {
            uint owner = UnixOwner.OwnerOf(Path);
            uint self = UnixOwner.EffectiveUserId();
            if (owner != self)
            {
                throw Refused($"is owned by another user (uid {owner}, not {self})", "use a directory of your own");
            }

            Volatile.Write(ref _ownerVerified, 1);
        }

        UnixFileMode mode = info.UnixFileMode & (OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        if (mode != OwnerOnly)
        {
            throw Refused($"has mode {Octal(mode)}, not 0700", $"run: chmod 700 '{Path}'");
        }

        return true;
    }

    /// <summary>Creates the directory owner-only when it is missing, else checks it.</summary>
    /// <exception cref="McpOAuthException">It is not safe to use, or cannot be created (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public void EnsureExists()
    {
        if (VerifyIfExists())
        {
            return;
        }

        try
        {
            string? parent = System.IO.Path.GetDirectoryName(Path);
            if (parent is not null)
            {
                Directory.CreateDirectory(parent);
            }

            if (OperatingSystem.IsWindows())
            {
                OwnerOnlySecurity.CreateDirectory(Path);
            }
            else
            {
                Directory.CreateDirectory(Path, OwnerOnly);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new McpOAuthException(McpOAuthErrorCode.StoreUnavailable, $"Could not create the token directory '{Path}': {ex.Message}", ex);
        }

        // Created by someone else in between, or with a mode the umask narrowed: check what is there now.
        VerifyIfExists();
    }

    /// <summary>The typed error for a failed file operation in this directory.</summary>
    /// <param name="action">What was being done, such as "write a token file".</param>
    /// <param name="exception">The cause.</param>
    /// <returns>The exception to throw.</returns>
    public McpOAuthException Failed(string action, Exception exception) =>
        new(McpOAuthErrorCode.StoreUnavailable, $"Could not {action} in '{Path}': {exception.Message} Nothing stored there was deleted.", exception);

    private McpOAuthException Refused(string problem, string fix) =>
        new(McpOAuthErrorCode.StoreUnavailable, $"The token directory '{Path}' {problem}, so it was not used; {fix}.");

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);
}
