using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Keyring.Tests;

/// <summary>What <see cref="KeyringTokenStore"/> decides before it talks to any keyring: these need no session bus.</summary>
public sealed class KeyringTokenStoreUnitTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcpoauth-keyring-unit-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task ReadOperations_NothingStored_NothingCreatedAndTheKeyringsProtectionReported()
    {
        // STORE-09: reads create nothing; a credential not stored would get the keyring's protection
        using var store = new KeyringTokenStore(new KeyringTokenStoreOptions { Directory = Path.Combine(_root, "store") });

        TokenSet? read = await store.GetAsync(StoreGenerations.Key);
        IReadOnlyList<TokenSet> listed = await store.ListAsync();
        TokenProtection protection = await store.GetProtectionAsync(StoreGenerations.Key);

        read.Should().BeNull();
        listed.Should().BeEmpty();
        protection.Should().Be(KeyringTokenStore.KeyringProtection);
        Directory.Exists(_root).Should().BeFalse();
    }

    [Fact]
    public void KeyringProtection_ThisPlatform_TheOperatingSystemsMechanism()
    {
        TokenProtection expected = OperatingSystem.IsWindows() ? TokenProtection.WindowsDpapi
            : OperatingSystem.IsMacOS() ? TokenProtection.MacOSKeychain
            : TokenProtection.LinuxSecretService;

        KeyringTokenStore.KeyringProtection.Should().Be(expected);
    }

    [Fact]
    public async Task AnyOperation_DirectoryReadableByOthers_RefusedBeforeTheKeyringIsUsed()
    {
        // STORE-02: the keyring store's index directory follows the file store's rules
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string directory = Path.Combine(_root, "store");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        using var store = new KeyringTokenStore(new KeyringTokenStoreOptions { Directory = directory });

        Func<Task> set = async () => await store.SetAsync(StoreGenerations.Key, StoreGenerations.Create(1));
        Func<Task> list = async () => await store.ListAsync();

        (await set.Should().ThrowAsync<McpOAuthException>()).Which.Message.Should().Contain("chmod 700");
        (await list.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
        Directory.GetFileSystemEntries(directory).Should().BeEmpty();
    }

    [Fact]
    public void Constructor_LockTimeoutOutOfRange_Throws()
    {
        Action act = () => _ = new KeyringTokenStore(new KeyringTokenStoreOptions { Directory = _root, LockTimeout = TimeSpan.FromMilliseconds(1) });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
