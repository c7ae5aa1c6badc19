using System.Security.Cryptography;
using System.Text;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>A token store that keeps one JSON file per credential in a directory.</summary>
/// <remarks>
/// <para>Tokens are stored <b>unencrypted</b>, protected by file permissions only: the directory is created 0700 and each file
/// 0600 at creation (never widened then narrowed). Writes go to a temporary file in the same directory that is flushed and
/// then renamed over the target, so a crash leaves either the old or the new file. Symbolic links are refused. A corrupt or
/// unreadable file is treated as absent, with a warning.</para>
/// <para>File names are a SHA-256 of the key, so no URL can steer a path.</para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, IDisposable
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory;
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
        _lockTimeout = options.LockTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
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
    public async ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        string path = PathFor(key);
        TokenSet? tokens = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return tokens is not null && tokens.Key == key ? tokens : null;
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        byte[] bytes = TokenSetSerializer.Serialize(tokens with { Resource = key.Resource, Issuer = key.Issuer, ClientId = key.ClientId, Partition = key.Partition });

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureDirectory();
            string target = PathFor(key);
            RefuseLink(target);
            string temp = Path.Combine(_directory, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp");
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    Options = FileOptions.WriteThrough,
                };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnlyFile;
                }

                var stream = new FileStream(temp, options);
                await using (stream.ConfigureAwait(false))
                {
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, target, overwrite: true);
                DeleteTempFiles(target, olderThan: StaleTempAge); // STORE-06: leftovers of writers killed mid-write.
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string path = PathFor(key);
            RefuseLink(path);
            TryDelete(path);

            // A writer killed mid-write may have left a complete copy of these tokens in a temporary file.
            DeleteTempFiles(path, olderThan: TimeSpan.Zero);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>An in-process lock, then a lock file (<c>&lt;hash&gt;.lock</c>, opened exclusively) that the operating system
    /// releases if the holder dies, so a killed process never leaves a credential locked.</remarks>
    public async ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        IAsyncDisposable local = await _keyLocks.LockAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureDirectory();
            string path = Path.ChangeExtension(PathFor(key), ".lock");
            DateTimeOffset deadline = _time.GetUtcNow() + _lockTimeout;
            while (true)
            {
                try
                {
                    var options = new FileStreamOptions
                    {
                        Mode = FileMode.OpenOrCreate,
                        Access = FileAccess.ReadWrite,
                        Share = FileShare.None,
                    };
                    if (!OperatingSystem.IsWindows())
                    {
                        options.UnixCreateMode = OwnerOnlyFile;
                    }

                    RefuseLink(path);
                    var handle = new FileStream(path, options);
                    return new FileLock(handle, local);
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
    public async ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            return [];
        }

        var result = new List<TokenSet>();
        foreach (string path in System.IO.Directory.EnumerateFiles(_directory, "*.json"))
        {
            TokenSet? tokens = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (tokens is not null)
            {
                result.Add(tokens);
            }
        }

        return result;
    }

    internal string PathFor(TokenStoreKey key)
    {
        // Length-prefixed parts, so no two keys share an input (STORE-10); the default partition adds nothing, so files written
        // before partitions existed keep their names.
        string partition = key.Partition.Length == 0 ? string.Empty : $"{key.Partition.Length}:{key.Partition}";
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{key.Resource.Length}:{key.Resource}{key.Issuer.Length}:{key.Issuer}{key.ClientId.Length}:{key.ClientId}{partition}"));
        return Path.Combine(_directory, Convert.ToHexString(hash) + ".json");
    }

    private async Task<TokenSet?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.LinkTarget is not null)
            {
                _logger.TokenFileIgnored(path, "it is a symbolic link");
                return null;
            }

            if (!OperatingSystem.IsWindows()
                && (info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            {
                // STORE-02: a token file others can read is tightened to owner-only before use, and said so.
                _logger.TokenFileIgnored(path, "it was readable by other users; its mode is now 0600");
                File.SetUnixFileMode(path, OwnerOnlyFile);
            }

            if (info.Length > McpOAuthDefaults.MaxResponseBytes)
            {
                _logger.TokenFileIgnored(path, "it is too large");
                return null;
            }

            byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
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

    private void EnsureDirectory()
    {
        var info = new DirectoryInfo(_directory);
        if (info.Exists)
        {
            if (info.LinkTarget is not null)
            {
                throw new IOException($"The token directory '{_directory}' is a symbolic link; it was refused.");
            }

            return;
        }

        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(_directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(_directory, DirectoryMode);
        }
    }

    private static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(1);

    /// <summary>Deletes a credential's temporary files that were last written longer ago than <paramref name="olderThan"/>.</summary>
    private void DeleteTempFiles(string target, TimeSpan olderThan)
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            return;
        }

        DateTimeOffset cutoff = _time.GetUtcNow() - olderThan;
        foreach (string temp in System.IO.Directory.EnumerateFiles(_directory, "." + Path.GetFileNameWithoutExtension(target) + ".*.tmp"))
        {
            if (olderThan == TimeSpan.Zero || new FileInfo(temp).LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                TryDelete(temp);
            }
        }
    }

    private static void RefuseLink(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw new IOException($"The token file '{path}' is a symbolic link; it was refused.");
        }
    }

    private sealed class FileLock(FileStream handle, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            await local.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void TryDelete(string path)
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
