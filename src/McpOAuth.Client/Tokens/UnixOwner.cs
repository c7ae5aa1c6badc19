using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace McpOAuth.Client.Internal;

/// <summary>Who owns a path, and who we are, on Linux and macOS.</summary>
/// <remarks>.NET has no public API for a file's owner. The tar writer's entry for a directory is built from <c>lstat(2)</c> and
/// carries the owner's uid, without opening anything, so it answers the question with the base class library alone (and stays
/// Native-AOT clean). Our own uid comes from <c>geteuid(2)</c>: one POSIX function without arguments, the same on every Unix.</remarks>
internal static class UnixOwner
{
    /// <summary>Gets the effective user id of this process.</summary>
    /// <returns>The uid.</returns>
    [UnsupportedOSPlatform("windows")]
    public static uint EffectiveUserId() => NativeMethods.geteuid();

    /// <summary>Gets the uid that owns a directory, without following a symbolic link.</summary>
    /// <param name="path">The directory.</param>
    /// <returns>The owner's uid.</returns>
    [UnsupportedOSPlatform("windows")]
    public static uint OwnerOf(string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(path, "d");
        }

        buffer.Position = 0;
        using var reader = new TarReader(buffer);
        var entry = (PosixTarEntry?)reader.GetNextEntry() ?? throw new IOException($"Could not read the owner of '{path}'.");
        return (uint)entry.Uid;
    }

    private static class NativeMethods
    {
        // DllImport, not LibraryImport: the signature is blittable (no marshalling code either way), and LibraryImport would
        // need unsafe code enabled for the whole library.
#pragma warning disable SYSLIB1054
        [DllImport("libc", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint geteuid();
#pragma warning restore SYSLIB1054
    }
}
