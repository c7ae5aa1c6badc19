namespace McpOAuth.Client;

/// <summary>Options for <see cref="FileTokenStore"/>.</summary>
public sealed class FileTokenStoreOptions
{
    /// <summary>Gets or sets the directory that holds the token files.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="FileTokenStore.GetDefaultDirectory"/>.</value>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how long to wait for another process's lock on a credential.</summary>
    /// <value>The default is 30 seconds. Allowed: 100 milliseconds to 10 minutes.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
