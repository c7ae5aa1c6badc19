using McpOAuth.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpOAuth.Client;

/// <summary>A token store that keeps each credential encrypted by the operating system: an item of the Linux Secret Service
/// (GNOME Keyring, KWallet) through libsecret, an item of the macOS Keychain, or a DPAPI-encrypted file on Windows.</summary>
/// <remarks>
/// <para>Each credential is one secret holding the whole versioned record (<see cref="TokenSetSerializer"/>): tokens, a dynamically
/// registered client's secret and the DPoP private key are protected together. A directory (<see cref="FileTokenStore"/>'s rules:
/// the user's own, 0700) holds an empty marker per credential, which is what <see cref="ListAsync"/> reads, and the lock files
/// that <see cref="LockAsync"/> shares with every process using that directory.</para>
/// <para>It never falls back to plaintext silently. When the keyring is locked, not running or not installed, writes fail with
/// <see cref="McpOAuthErrorCode.StoreUnavailable"/>, whose message names
/// <see cref="KeyringTokenStoreOptions.AllowPlaintextFallback"/>; with that option set they go to owner-only plaintext files
/// instead, with a warning. Plaintext files already in the directory (an earlier <see cref="FileTokenStore"/>, or the
/// fallback) are read, reported as <see cref="TokenProtection.FilePermissions"/>, and moved into the keyring at their next
/// write. <see cref="GetProtectionAsync"/> tells which protection a credential has.</para>
/// <para>The keyring protects tokens at rest and from other users; any program running as the user can still ask the Secret
/// Service for them (the Keychain may ask the user first).</para>
/// </remarks>
public sealed class KeyringTokenStore : ITokenStore, IDisposable
{
    private readonly FileTokenStore _files;
    private readonly TokenDirectory _dir;
    private readonly KeyringEntries _keyring;
    private readonly bool _allowFallback;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="KeyringTokenStore"/> class.</summary>
    /// <param name="options">The directory, lock timeout and fallback; the defaults when <see langword="null"/>.</param>
    /// <param name="logger">Receives warnings (a fallback used, an entry removed by another program); never a token.</param>
    /// <param name="timeProvider">The clock for lock waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The lock timeout is outside 100 milliseconds to 10 minutes.</exception>
    public KeyringTokenStore(KeyringTokenStoreOptions? options = null, ILogger<KeyringTokenStore>? logger = null, TimeProvider? timeProvider = null)
    {
        options ??= new KeyringTokenStoreOptions();
        string directory = Path.GetFullPath(options.Directory ?? FileTokenStore.GetDefaultDirectory());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _files = new FileTokenStore(
            new FileTokenStoreOptions { Directory = directory, LockTimeout = options.LockTimeout },
            logger is null ? null : new ForwardingLogger<FileTokenStore>(_logger),
            timeProvider);
        _dir = new TokenDirectory(directory);
        _keyring = new KeyringEntries(directory);
        _allowFallback = options.AllowPlaintextFallback;
    }

    /// <summary>Gets the directory that holds the markers, lock files and any plaintext files.</summary>
    public string Directory => _files.Directory;

    /// <summary>Gets the protection this platform's keyring gives (<see cref="TokenProtection.LinuxSecretService"/>,
    /// <see cref="TokenProtection.MacOSKeychain"/> or <see cref="TokenProtection.WindowsDpapi"/>).</summary>
    public static TokenProtection KeyringProtection => KeyringEntries.Protection;

    /// <inheritdoc />
    public void Dispose() => _files.Dispose();

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The keyring holds this credential but cannot be read (locked, not running), or the
    /// directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<TokenSet?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        (await ReadAsync(key, cancellationToken).ConfigureAwait(false)).Tokens;

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The keyring cannot be written and the plaintext fallback is not allowed, or the
    /// directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask SetAsync(TokenStoreKey key, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        TokenSet record = tokens with { Resource = key.Resource, Issuer = key.Issuer, ClientId = key.ClientId, Partition = key.Partition };
        _dir.EnsureExists();
        string id = CredentialId.Of(key);
        try
        {
            _keyring.Write(id, "MCP OAuth tokens for " + key.Resource, TokenSetSerializer.Serialize(record));
        }
        catch (KeyringUnavailableException ex)
        {
            if (!_allowFallback)
            {
                throw Unavailable(ex);
            }

            _logger.KeyringFallbackUsed(ex.Message, Directory);
            await _files.SetAsync(key, record, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Now in the keyring: a plaintext copy (an earlier file store, or the fallback) must not outlive it.
        if (await _files.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            await _files.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            _logger.PlaintextCopyMoved(Directory);
        }
    }

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">The keyring holds this credential but cannot be changed (locked, not running), or the
    /// directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask RemoveAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        if (!_dir.VerifyIfExists())
        {
            return;
        }

        string id = CredentialId.Of(key);
        if (_keyring.Has(id))
        {
            try
            {
                _keyring.Probe(); // the library does not report a failed delete; a keyring that works deletes
                _keyring.Remove(id);
            }
            catch (KeyringUnavailableException ex)
            {
                throw Unavailable(ex);
            }
        }

        await _files.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The file store's lock (<c>&lt;hash&gt;.lock</c> in <see cref="Directory"/>, released by the operating system if its
    /// holder dies), so every process and every store type over one directory excludes the others.</remarks>
    public ValueTask<IAsyncDisposable> LockAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        _files.LockAsync(key, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="McpOAuthException">Credentials are in the keyring but it cannot be read (locked, not running), or the
    /// directory is not safe to use (<see cref="McpOAuthErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<IReadOnlyList<TokenSet>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TokenSet> files = await _files.ListAsync(cancellationToken).ConfigureAwait(false);
        var byKey = files.ToDictionary(tokens => tokens.Key);
        foreach (string id in _dir.VerifyIfExists() ? _keyring.Ids().ToList() : [])
        {
            if (ReadKeyring(id) is { } tokens && CredentialId.Of(tokens.Key) == id
                && (!byKey.TryGetValue(tokens.Key, out TokenSet? file) || tokens.ObtainedAt >= file.ObtainedAt))
            {
                byKey[tokens.Key] = tokens;
            }
        }

        return [.. byKey.Values];
    }

    /// <inheritdoc />
    /// <returns>The keyring's protection for a credential it holds; <see cref="TokenProtection.FilePermissions"/> for one held in a
    /// plaintext file (newer than any keyring copy); for a credential not stored, the keyring's protection.</returns>
    public async ValueTask<TokenProtection> GetProtectionAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        (await ReadAsync(key, cancellationToken).ConfigureAwait(false)).Protection;

    private async ValueTask<(TokenSet? Tokens, TokenProtection Protection)> ReadAsync(TokenStoreKey key, CancellationToken cancellationToken)
    {
        TokenSet? file = await _files.GetAsync(key, cancellationToken).ConfigureAwait(false);
        string id = CredentialId.Of(key);
        TokenSet? secret = _keyring.Has(id) && ReadKeyring(id) is { } stored && stored.Key == key ? stored : null;
        return secret is not null && (file is null || secret.ObtainedAt >= file.ObtainedAt)
            ? (secret, KeyringProtection)
            : file is not null ? (file, TokenProtection.FilePermissions) : (null, KeyringProtection);
    }

    /// <summary>Reads a marked entry; <see langword="null"/> when its secret is gone or unreadable as a record.</summary>
    private TokenSet? ReadKeyring(string id)
    {
        try
        {
            byte[]? bytes = _keyring.Read(id);
            if (bytes is null)
            {
                // The library reads a locked keyring as empty: tell "locked" from "deleted by another program".
                _keyring.Probe();
                _logger.KeyringEntryMissing(_keyring.MarkerPath(id));
                return null;
            }

            return TokenSetSerializer.TryDeserialize(bytes, out TokenSet? tokens) ? tokens : null;
        }
        catch (KeyringUnavailableException ex) when (_allowFallback)
        {
            _logger.KeyringUnreadable(ex.Message);
            return null;
        }
        catch (KeyringUnavailableException ex)
        {
            throw Unavailable(ex);
        }
    }

    private static McpOAuthException Unavailable(KeyringUnavailableException ex) =>
        new(
            McpOAuthErrorCode.StoreUnavailable,
            $"The OS keyring ({KeyringEntries.Mechanism}) could not be used: {ex.Message}. It may be locked, not running or not "
            + $"installed. Unlock or start it, or set {nameof(KeyringTokenStoreOptions)}.{nameof(KeyringTokenStoreOptions.AllowPlaintextFallback)} "
            + "to keep tokens in owner-only plaintext files instead.",
            ex);
}
