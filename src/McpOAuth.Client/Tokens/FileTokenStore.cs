using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

    /// <summary>Initializes a new instance of the <see cref="FileTokenStore"/> class.</summary>
    /// <param name="directory">The directory that holds the token files; created when missing.</param>
    /// <param name="logger">Receives warnings about unreadable files; never a token.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty or whitespace.</exception>
    public FileTokenStore(string directory, ILogger<FileTokenStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
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
        var document = new StoredTokenDocument
        {
            SchemaVersion = StoredTokenDocument.CurrentSchemaVersion,
            AccessToken = tokens.AccessToken,
            TokenType = tokens.TokenType,
            RefreshToken = tokens.RefreshToken,
            ExpiresAt = tokens.ExpiresAt?.ToUnixTimeSeconds(),
            ObtainedAt = tokens.ObtainedAt.ToUnixTimeSeconds(),
            Scope = tokens.Scopes.Count == 0 ? null : string.Join(' ', tokens.Scopes),
            Resource = key.Resource,
            Issuer = key.Issuer,
            ClientId = key.ClientId,
        };
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(document, McpOAuthJsonContext.Default.StoredTokenDocument);

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
        }
        finally
        {
            _writeLock.Release();
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
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key.Resource}\n{key.Issuer}\n{key.ClientId}"));
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

            if (info.Length > McpOAuthDefaults.MaxResponseBytes)
            {
                _logger.TokenFileIgnored(path, "it is too large");
                return null;
            }

            byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            StoredTokenDocument? document = JsonSerializer.Deserialize(bytes, McpOAuthJsonContext.Default.StoredTokenDocument);
            if (document is null || document.SchemaVersion != StoredTokenDocument.CurrentSchemaVersion
                || string.IsNullOrEmpty(document.AccessToken) || document.Resource is null || document.Issuer is null
                || document.ClientId is null)
            {
                _logger.TokenFileIgnored(path, "it is not a readable token record");
                return null;
            }

            return new TokenSet
            {
                AccessToken = document.AccessToken,
                TokenType = document.TokenType ?? "Bearer",
                RefreshToken = document.RefreshToken,
                ExpiresAt = document.ExpiresAt is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null,
                ObtainedAt = DateTimeOffset.FromUnixTimeSeconds(document.ObtainedAt),
                Scopes = document.Scope is null ? [] : document.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                Resource = document.Resource,
                Issuer = document.Issuer,
                ClientId = document.ClientId,
            };
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            _logger.TokenFileIgnored(path, ex.GetType().Name);
            return null;
        }
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

    private static void RefuseLink(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is not null)
        {
            throw new IOException($"The token file '{path}' is a symbolic link; it was refused.");
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
