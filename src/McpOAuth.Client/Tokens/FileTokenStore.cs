using System.Collections.Concurrent;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>A token store that keeps one JSON file per credential in a directory.</summary>
/// <remarks>
/// <para>Tokens are stored <b>unencrypted</b>, protected by file permissions only (for OS-protected storage use the
/// <c>McpOAuth.Client.Keyring</c> package). On Unix the directory is created 0700 and each file 0600 at creation (never widened
/// then narrowed); on Windows both get an ACL that grants only the current user, with inheritance disabled. An existing directory
/// is used only while it is the user's own, 0700 and not a symbolic link; otherwise every operation fails with
/// <see cref="McpOAuthErrorCode.StoreUnavailable"/> and a message that says how to repair it.</para>
/// <para>Writes go to a temporary file in the same directory that is flushed and then renamed over the target, so a crash leaves
/// either the old or the new file; a failed write is reported as <see cref="McpOAuthErrorCode.StoreUnavailable"/> and keeps the old
/// file. Only regular files are read (a FIFO or device is never opened), symbolic links are refused, and a corrupt or unreadable
/// file is treated as absent, with a warning.</para>
/// <para>File names are a SHA-256 of the key, so no URL can steer a path.</para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, IDisposable
{
    private readonly string _directory;
    private readonly TokenDirectory _dir;
    private readonly PendingTokenWrites _pending;
    private readonly ConcurrentDictionary<TokenStoreKey, byte> _held = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly KeyedLocks<TokenStoreKey> _keyLocks = new();
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="FileTokenStore"/> class in a directory.</summary>
    /// <param name="directory">The directory that holds the token files; created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or whitespace.</exception>
    public FileTokenStore(string directory)
        : this(new FileTokenStoreOptions { Directory = ThrowIfBlank(directory) })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FileTokenStore"/> class.</summary>
    /// <param name="options">The directory and lock timeout.</param>
    /// <param name="logger">Receives warnings about unreadable files; never a token.</param>
    /// <param name="timeProvider">The clock for lock waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The lock timeout is outside 100 milliseconds to 10 minutes.</exception>
    public FileTokenStore(FileTokenStoreOptions options, ILogger<FileTokenStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LockTimeout < TimeSpan.FromMilliseconds(100) || options.LockTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The lock timeout must be between 100 milliseconds and 10 minutes.");
        }

        _directory = Path.GetFullPath(options.Directory ?? GetDefaultDirectory());
        _dir = new TokenDirectory(_directory);
        _lockTimeout = options.LockTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _pending = new PendingTokenWrites(_directory, Read, _logger, _time);
    }

    /// <summary>Returns the default token directory: <c>$MCP_OAUTH_STORE_DIR</c> when set; on Linux
    /// <c>$XDG_CONFIG_HOME/mcp-oauth</c> (or <c>~/.config/mcp-oauth</c>); elsewhere the application-data folder's <c>mcp-oauth</c>.</summary>
    /// <returns>An absolute directory path.</returns>
    public static string GetDefaultDirectory()
    {
        string? overridden = Environment.GetEnvironmentVariable("MCP_OAUTH_STORE_DIR");
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return Path.GetFullPath(overridden);
        }

        if (OperatingSystem.IsLinux())
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            string configHome = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(configHome, "mcp-oauth");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "mcp-oauth");
    }

    /// <summary>Releases the in-process write lock.</summary>
    public void Dispose() => _writeLock.Dispose();

    /// <summary>Gets the directory that holds the token files.</summary>
    public string Directory => _directory;

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The directory is not the user's own, not 0700, or a symbolic link
    /// (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    /// <remarks>While this store holds the credential's lock (<see cref="LockAsync"/>), a complete pending write newer than the file
    /// (left by a writer that died between its flush and its rename) is first renamed into place: it may hold the only copy of a
    /// rotated refresh token (REF-05). Without the lock, a read never changes the disk (STORE-09).</remarks>
    public async ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        if (!_dir.VerifyIfExists())
        {
            return null;
        }

        string path = PathFor(key);
        if (_held.ContainsKey(key))
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _pending.Adopt(key, path);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        TokenSet? tokens = Read(path);
        return tokens is not null && tokens.Key == key ? tokens : null;
    }

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The directory is not safe to use, or the write failed (disk full, permissions, a path
    /// taken); the previous file is kept (<see cref="McpOAuthErrorCode.StoreUnavailable"/>, the cause as the inner exception).</exception>
    public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        byte[] bytes = TokenSetSerializer.Serialize(tokens with { Resource = key.Resource, Issuer = key.Issuer, ClientId = key.ClientId, Partition = key.Partition });

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _dir.EnsureExists();
            string target = PathFor(key);
            TokenFile.RefuseLink(target);
            string temp = PendingTokenWrites.NewTempPath(target);
            try
            {
                var stream = TokenFile.CreateNew(temp, FileOptions.WriteThrough);
                await using (stream.ConfigureAwait(false))
                {
                    TempFileCreated?.Invoke(temp);
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    stream.Flush(flushToDisk: true);
                }

                BeforeRename?.Invoke(temp);
                File.Move(temp, target, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                TokenFile.TryDelete(temp);
                throw _dir.Failed("write a token file", ex);
            }
            catch
            {
                TokenFile.TryDelete(temp);
                throw;
            }

            _pending.DeleteStale(target); // STORE-06: leftovers of writers killed mid-write.
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The directory is not safe to use, or the file could not be deleted
    /// (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_dir.VerifyIfExists())
            {
                return;
            }

            string path = PathFor(key);
            TokenFile.RefuseLink(path);
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw _dir.Failed("delete a token file", ex);
            }

            // A writer killed mid-write may have left a complete copy of these tokens in a temporary file.
            _pending.DeleteAll(path);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>An in-process lock, then a lock file (<c>&lt;hash&gt;.lock</c>, opened exclusively) that the operating system
    /// releases if the holder dies, so a killed process never leaves a credential locked.</remarks>
    /// <exception cref="McpOAuthException">The lock was not acquired in time (<see cref="McpOAuthErrorCode.Timeout"/>), or the
    /// directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        IAsyncDisposable local = await _keyLocks.LockAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            _dir.EnsureExists();
            string path = Path.ChangeExtension(PathFor(key), ".lock");
            DateTimeOffset deadline = _time.GetUtcNow() + _lockTimeout;
            while (true)
            {
                TokenFile.RefuseLink(path);
                try
                {
                    FileStream handle = TokenFile.OpenLock(path);
                    _held[key] = 0;
                    return new FileLock(handle, local, () => _held.TryRemove(key, out _));
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw _dir.Failed("open a lock file", ex);
                }
                catch (IOException) when (_time.GetUtcNow() < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    throw new McpOAuthException(
                        McpOAuthErrorCode.Timeout,
                        $"Another process held the lock on a stored credential for more than {_lockTimeout.TotalSeconds:0} seconds.",
                        ex);
                }
            }
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!_dir.VerifyIfExists())
        {
            return ValueTask.FromResult<IReadOnlyList<TokenSet>>([]);
        }

        var result = new List<TokenSet>();
        foreach (string path in System.IO.Directory.EnumerateFiles(_directory, "*.json"))
        {
            if (Read(path) is { } tokens)
            {
                result.Add(tokens);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<TokenSet>>(result);
    }

    /// <inheritdoc />
    /// <returns><see cref="TokenProtection.FilePermissions"/>: owner-only plaintext files.</returns>
    public ValueTask<TokenProtection> GetProtectionAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TokenProtection.FilePermissions);

    /// <summary>Gets or sets a test hook run right after a temporary file is created, before anything is written to it.</summary>
    internal Action<string>? TempFileCreated { get; set; }

    /// <summary>Gets or sets a test hook run after a temporary file is complete and closed, before it is renamed.</summary>
    internal Action<string>? BeforeRename { get; set; }

    internal string PathFor(TokenStoreKey key) => Path.Combine(_directory, CredentialId.Of(key) + ".json");

    private TokenSet? Read(string path)
    {
        try
        {
            byte[]? bytes = TokenFile.TryRead(path, out string? problem, out bool tightened);
            if (tightened)
            {
                _logger.TokenFileTightened(path); // STORE-02
            }

            if (bytes is null)
            {
                if (problem is not null)
                {
                    _logger.TokenFileIgnored(path, problem);
                }

                return null;
            }

            if (!TokenSetSerializer.TryDeserialize(bytes, out TokenSet? tokens))
            {
                _logger.TokenFileIgnored(path, "it is not a readable token record");
                return null;
            }

            return tokens;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.TokenFileIgnored(path, ex.GetType().Name);
            return null;
        }
    }

    private static string ThrowIfBlank(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return directory;
    }

    private sealed class FileLock(FileStream handle, IAsyncDisposable local, Action released) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            released();
            await handle.DisposeAsync().ConfigureAwait(false);
            await local.DisposeAsync().ConfigureAwait(false);
        }
    }
}
