namespace McpOAuth.Client;

/// <summary>How a store protects a credential at rest (what <see cref="ITokenStore.GetProtectionAsync"/> reports, and what
/// <c>mcp-oauth status</c> shows).</summary>
public enum TokenProtection
{
    /// <summary>The store does not say.</summary>
    Unknown = 0,

    /// <summary>Kept in process memory only, never written anywhere; gone when the process ends.</summary>
    Memory = 1,

    /// <summary>A plaintext file that only the user can read: mode 0600 in a 0700 directory on Unix, an owner-only ACL on
    /// Windows. Any process running as the user, and any backup of the file, can read the tokens.</summary>
    FilePermissions = 2,

    /// <summary>Encrypted by the Linux Secret Service (GNOME Keyring, KWallet) through libsecret, with the user's login keyring.</summary>
    LinuxSecretService = 3,

    /// <summary>Encrypted in the user's macOS Keychain.</summary>
    MacOSKeychain = 4,

    /// <summary>Encrypted with Windows DPAPI for the current user, in an owner-only file.</summary>
    WindowsDpapi = 5,
}
