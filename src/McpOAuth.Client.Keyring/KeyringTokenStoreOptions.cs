namespace McpOAuth.Client;

/// <summary>Options for <see cref="KeyringTokenStore"/>.</summary>
public sealed class KeyringTokenStoreOptions
{
    /// <summary>Gets or sets the directory that holds the store's index (one empty marker file per credential, or on Windows the
    /// DPAPI-encrypted record), its lock files and, when allowed, plaintext fallback files.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="FileTokenStore.GetDefaultDirectory"/>, so logins that a
    /// <see cref="FileTokenStore"/> kept there are found and moved into the keyring at their next write.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how long to wait for another process's lock on a credential.</summary>
    /// <value>The default is 30 seconds. Allowed: 100 milliseconds to 10 minutes.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether tokens may be written to owner-only plaintext files when the OS keyring is locked, not running
    /// or not installed.</summary>
    /// <value>The default is <see langword="false"/>: such a write fails with <see cref="McpOAuthErrorCode.StoreUnavailable"/>.
    /// When <see langword="true"/>, the write goes to a <see cref="FileTokenStore"/> file in <see cref="Directory"/>, with a
    /// warning, and <see cref="ITokenStore.GetProtectionAsync"/> reports <see cref="TokenProtection.FilePermissions"/> for it.</value>
    public bool AllowPlaintextFallback { get; set; }
}
