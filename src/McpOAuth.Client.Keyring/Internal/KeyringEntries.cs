using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Identity.Client.Extensions.Msal;

namespace McpOAuth.Client.Internal;

/// <summary>One OS secret per credential, through <c>Microsoft.Identity.Client.Extensions.Msal</c>'s <see cref="Storage"/>: a
/// libsecret item (attributes: this store, this credential) on Linux, a Keychain item on macOS, a DPAPI-encrypted file on
/// Windows. Next to each, the library keeps a file named <c>&lt;id&gt;.keyring</c>: empty on Linux and macOS (the index that
/// listing reads), the encrypted record itself on Windows.</summary>
/// <remarks>The library logs libsecret errors instead of throwing them: a write to a locked or absent keyring "succeeds" and a
/// read returns nothing. So every write is read back and compared, and an empty read of a marked credential is followed by a
/// probe, which turns both into <see cref="KeyringUnavailableException"/>.</remarks>
internal sealed class KeyringEntries
{
    private const string SchemaName = "McpOAuth.Client.TokenStore";
    private const string StoreAttribute = "mcp_oauth_store";
    private const string CredentialAttribute = "mcp_oauth_credential";
    private const string MacService = "McpOAuth.Client";
    private const string MarkerExtension = ".keyring";

    private static readonly TraceSource Silent = new("McpOAuth.Client.Keyring", SourceLevels.Off);

    private readonly string _directory;
    private readonly string _storeId;
    private readonly object _gate = new();

    public KeyringEntries(string directory)
    {
        _directory = directory;
        _storeId = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..32];
    }

    /// <summary>Gets the protection the OS gives these entries on this platform.</summary>
    public static TokenProtection Protection =>
        OperatingSystem.IsWindows() ? TokenProtection.WindowsDpapi
        : OperatingSystem.IsMacOS() ? TokenProtection.MacOSKeychain
        : TokenProtection.LinuxSecretService;

    /// <summary>Gets the mechanism's name, for messages.</summary>
    public static string Mechanism =>
        OperatingSystem.IsWindows() ? "Windows DPAPI"
        : OperatingSystem.IsMacOS() ? "macOS Keychain"
        : "Secret Service (libsecret)";

    /// <summary>Gets whether a credential has an entry (its marker file exists).</summary>
    public bool Has(string id) => File.Exists(MarkerPath(id));

    /// <summary>Lists the ids of the entries this store made.</summary>
    public IEnumerable<string> Ids() =>
        Directory.EnumerateFiles(_directory, "*" + MarkerExtension)
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(name => name.Length == 64 && name.All(Uri.IsHexDigit));

    /// <summary>Reads an entry's secret.</summary>
    /// <returns>The bytes; <see langword="null"/> when the keyring has no secret for it.</returns>
    /// <exception cref="KeyringUnavailableException">The keyring could not be used.</exception>
    public byte[]? Read(string id)
    {
        byte[] data = Call(() => Create(id, id).ReadData());
        return data.Length == 0 ? null : data;
    }

    /// <summary>Writes an entry's secret and reads it back.</summary>
    /// <exception cref="KeyringUnavailableException">The keyring could not be used, or did not keep what was written.</exception>
    public void Write(string id, string label, byte[] data)
    {
        Storage storage = Create(id, label);
        bool createdMarker = CreateMarker(id);
        try
        {
            byte[] back = Call(() =>
            {
                storage.WriteData(data);
                return storage.ReadData();
            });
            if (!back.AsSpan().SequenceEqual(data))
            {
                throw new KeyringUnavailableException("a secret written to it could not be read back", null);
            }
        }
        catch when (createdMarker)
        {
            File.Delete(MarkerPath(id));
            throw;
        }
    }

    /// <summary>Creates the empty marker owner-only (0600) before the library touches it, which would create it with the umask's
    /// mode; on Windows the library writes the encrypted record there, under the directory's owner-only ACL.</summary>
    private bool CreateMarker(string id)
    {
        if (OperatingSystem.IsWindows() || File.Exists(MarkerPath(id)))
        {
            return false;
        }

        try
        {
            new FileStream(MarkerPath(id), new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }).Dispose();
            return true;
        }
        catch (IOException)
        {
            return false; // another process made it first
        }
    }

    /// <summary>Removes an entry's secret and its marker.</summary>
    /// <exception cref="KeyringUnavailableException">The keyring could not be used.</exception>
    public void Remove(string id) => Call(() =>
    {
        Create(id, id).Clear(ignoreExceptions: false);
        return true;
    });

    /// <summary>Writes, reads back and removes a probe entry of its own (never the library's shared test item, which two
    /// processes probing at once would overwrite under each other).</summary>
    /// <exception cref="KeyringUnavailableException">The keyring cannot be used.</exception>
    public void Probe()
    {
        string id = "probe-" + Guid.NewGuid().ToString("N");
        try
        {
            Write(id, "McpOAuth.Client keyring check", "probe"u8.ToArray());
        }
        finally
        {
            try
            {
                Remove(id);
            }
            catch (KeyringUnavailableException)
            {
                // The write already failed, or the keyring went away: nothing was kept.
            }
        }
    }

    /// <summary>Gets the marker file of an entry.</summary>
    public string MarkerPath(string id) => Path.Combine(_directory, id + MarkerExtension);

    private Storage Create(string id, string label)
    {
        StorageCreationProperties properties = new StorageCreationPropertiesBuilder(id + MarkerExtension, _directory)
            .WithLinuxKeyring(
                SchemaName,
                MsalCacheHelper.LinuxKeyRingDefaultCollection,
                label,
                new KeyValuePair<string, string>(StoreAttribute, _storeId),
                new KeyValuePair<string, string>(CredentialAttribute, id))
            .WithMacKeyChain(MacService, $"{_storeId}/{id}")
            .Build();
        return Storage.Create(properties, Silent);
    }

    private T Call<T>(Func<T> call)
    {
        try
        {
            lock (_gate)
            {
                return call();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not KeyringUnavailableException)
        {
            // DllNotFoundException (no libsecret), the Keychain's or DPAPI's errors, a marker that is a link, ...
            throw new KeyringUnavailableException(ex.GetType().Name + ": " + ex.Message, ex);
        }
    }
}

/// <summary>The OS keyring could not be used; the message says why, never with a secret.</summary>
internal sealed class KeyringUnavailableException(string reason, Exception? inner) : Exception(reason, inner);
