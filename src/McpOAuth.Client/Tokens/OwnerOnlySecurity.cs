using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.Internal;

/// <summary>The Windows security descriptor of the token directory and its files: owned by the current user, who alone has
/// access, with inheritance from the parent disabled (STORE-03), so a permissive parent ACL never reaches the tokens.</summary>
internal static partial class OwnerOnlySecurity
{
    /// <summary>The descriptor in SDDL: owner and group the user, a protected DACL (<c>P</c>: nothing inherited) with one
    /// allow-full-access entry for the user, inherited by files and subdirectories (<c>OICI</c>) when it is a directory's.</summary>
    /// <param name="sid">The user's security identifier, such as <c>S-1-5-21-…-1001</c>.</param>
    /// <param name="directory">Whether the descriptor is a directory's.</param>
    /// <returns>The SDDL string.</returns>
    /// <exception cref="ArgumentException"><paramref name="sid"/> is not a SID string.</exception>
    public static string Sddl(string sid, bool directory)
    {
        if (!SidPattern().IsMatch(sid))
        {
            throw new ArgumentException("Not a security identifier.", nameof(sid));
        }

        return $"O:{sid}G:{sid}D:P(A;{(directory ? "OICI" : string.Empty)};FA;;;{sid})";
    }

    /// <summary>Creates a directory that only the current user can use.</summary>
    /// <param name="path">The directory.</param>
    [SupportedOSPlatform("windows")]
    public static void CreateDirectory(string path)
    {
        var security = new DirectorySecurity();
        security.SetSecurityDescriptorSddlForm(Sddl(CurrentUser(), directory: true));
        security.CreateDirectory(path);
    }

    /// <summary>Creates a new file, failing if it exists, that only the current user can use.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Write-through and similar options.</param>
    /// <returns>The open file, for writing.</returns>
    [SupportedOSPlatform("windows")]
    public static FileStream CreateFile(string path, FileOptions options)
    {
        var security = new FileSecurity();
        security.SetSecurityDescriptorSddlForm(Sddl(CurrentUser(), directory: false));
        return new FileInfo(path).Create(FileMode.CreateNew, FileSystemRights.Write | FileSystemRights.Read, FileShare.None, 4096, options, security);
    }

    [SupportedOSPlatform("windows")]
    private static string CurrentUser()
    {
        using WindowsIdentity identity = WindowsIdentity.GetCurrent();
        return identity.User?.Value ?? throw new InvalidOperationException("The current Windows user has no security identifier.");
    }

    [GeneratedRegex("^S-1-[0-9]+(-[0-9]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex SidPattern();
}
