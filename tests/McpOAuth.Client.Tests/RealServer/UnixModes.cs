namespace McpOAuth.Client.Tests.RealServer;

/// <summary>Unix permission bits of store files (STORE-01); these tests run on Linux and macOS only.</summary>
internal static class UnixModes
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static UnixFileMode Of(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The RealServer tests need Unix file modes and signals.");
        }

        return File.GetUnixFileMode(path);
    }
}
