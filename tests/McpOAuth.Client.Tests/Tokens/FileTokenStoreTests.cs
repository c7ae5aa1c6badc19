using System.Text.RegularExpressions;

namespace McpOAuth.Client.Tests.Tokens;

public sealed partial class FileTokenStoreTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly TokenStoreKey Key = new("https://mcp.example.com/mcp", "https://auth.example.com", "client-1");

    private readonly TempDirectory _temp = new();
    private readonly CapturingLogger<FileTokenStore> _logger = new();
    private readonly ObservableTimeProvider _time = new();
    private readonly FileTokenStore _store;

    public FileTokenStoreTests()
    {
        _store = CreateStore(_temp.Combine("store"));
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task SetAsync_ThenGetAsync_RoundTripsEveryField()
    {
        TokenSet tokens = Tokens(Key) with
        {
            RefreshToken = "rt-1",
            ExpiresAt = new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.Zero),
            Scopes = ["mcp:read", "mcp:write"],
            Registration = new ClientRegistration
            {
                ClientId = Key.ClientId,
                ClientSecret = "dcr-secret",
                TokenEndpointAuthMethod = "client_secret_basic",
                Issuer = Key.Issuer,
                RedirectUris = ["http://127.0.0.1:49152/callback"],
                Kind = ClientRegistrationKind.Dynamic,
            },
        };

        await _store.SetAsync(Key, tokens);
        TokenSet? read = await _store.GetAsync(Key);

        read.Should().BeEquivalentTo(tokens);
    }

    [Fact]
    public async Task GetAsync_NothingStored_Null()
    {
        (await _store.GetAsync(Key)).Should().BeNull();
    }

    [Fact]
    public async Task SetAsync_PreregisteredClientSecret_NeverWrittenToDisk()
    {
        // TokenSet.Registration remarks: a configured secret is never persisted
        TokenSet tokens = Tokens(Key) with
        {
            Registration = new ClientRegistration
            {
                ClientId = Key.ClientId,
                ClientSecret = "CONFIGURED-SECRET-1",
                TokenEndpointAuthMethod = "client_secret_basic",
                Issuer = Key.Issuer,
                Kind = ClientRegistrationKind.Preregistered,
            },
        };

        await _store.SetAsync(Key, tokens);

        File.ReadAllText(_store.PathFor(Key)).Should().NotContain("CONFIGURED-SECRET-1");
        (await _store.GetAsync(Key))!.Registration!.ClientSecret.Should().BeNull();
    }

    [Fact]
    public async Task SetAsync_FreshStore_DirectoryIs0700AndFileIs0600()
    {
        // STORE-01 (File.GetUnixFileMode)
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _store.SetAsync(Key, Tokens(Key));

        File.GetUnixFileMode(_store.Directory).Should().Be(OwnerAll);
        File.GetUnixFileMode(_store.PathFor(Key)).Should().Be(OwnerReadWrite);
    }

    [Fact]
    public async Task SetAsync_Overwrite_FileStays0600AndNoTempFileIsLeft()
    {
        // STORE-01, STORE-06: temp file plus rename
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _store.SetAsync(Key, Tokens(Key, "at-1"));
        await _store.SetAsync(Key, Tokens(Key, "at-2"));

        File.GetUnixFileMode(_store.PathFor(Key)).Should().Be(OwnerReadWrite);
        Directory.GetFiles(_store.Directory).Should().ContainSingle().Which.Should().Be(_store.PathFor(Key));
        (await _store.GetAsync(Key))!.AccessToken.Should().Be("at-2");
    }

    [Fact]
    public async Task LockAsync_LockFile_Is0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using (await _store.LockAsync(Key))
        {
            string lockFile = Path.ChangeExtension(_store.PathFor(Key), ".lock");
            File.GetUnixFileMode(lockFile).Should().Be(OwnerReadWrite);
        }
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("https://mcp.example.com/\u0000/x")]
    [InlineData("CON")]
    [InlineData("/absolute/path")]
    [InlineData("C:\\Windows\\System32")]
    public async Task SetAsync_HostileResource_FileIsAFixedLengthHashInsideTheDirectory(string resource)
    {
        // STORE-05
        var key = new TokenStoreKey(resource, "https://auth.example.com/../..", "client/../../x");

        await _store.SetAsync(key, Tokens(key));

        string file = Directory.GetFiles(_store.Directory).Should().ContainSingle().Subject;
        Path.GetFileName(file).Should().MatchRegex(HashFileName());
        Path.GetDirectoryName(file).Should().Be(_store.Directory);
        _store.PathFor(key).Should().Be(file);
        (await _store.GetAsync(key))!.Resource.Should().Be(resource);
        Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories).Should().ContainSingle();
    }

    [Fact]
    public void PathFor_VeryLongResource_FixedLengthName()
    {
        // STORE-05 (5,000 characters)
        var key = new TokenStoreKey("https://mcp.example.com/" + new string('a', 5000), "https://auth.example.com", "client-1");

        Path.GetFileName(_store.PathFor(key)).Should().MatchRegex(HashFileName());
    }

    [Fact]
    public void PathFor_KeysDifferingInAnyPart_DifferentFiles()
    {
        // STORE-10
        string[] paths =
        [
            _store.PathFor(Key),
            _store.PathFor(Key with { Resource = "https://mcp.example.com/other" }),
            _store.PathFor(Key with { Issuer = "https://other-as.example.com" }),
            _store.PathFor(Key with { ClientId = "client-2" }),
            _store.PathFor(Key with { Partition = "alice" }),
        ];

        paths.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void PathFor_DefaultPartition_SameNameAsBeforePartitionsExisted()
    {
        // A login stored by an earlier version is still found: the default partition adds nothing to the hashed name.
        string expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            "27:https://mcp.example.com/mcp24:https://auth.example.com8:client-1"))) + ".json";

        Path.GetFileName(_store.PathFor(Key)).Should().Be(expected);
    }

    [Fact]
    public void PathFor_PartsContainingTheSeparator_NoCollision()
    {
        // STORE-10: the hash input must encode the three parts unambiguously, or two keys share (and overwrite) one file
        var first = new TokenStoreKey("https://mcp.example.com/mcp", "https://auth.example.com\nx", "client-1");
        var second = new TokenStoreKey("https://mcp.example.com/mcp", "https://auth.example.com", "x\nclient-1");

        _store.PathFor(first).Should().NotBe(_store.PathFor(second));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json at all")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"schema_version\":1}")]
    [InlineData("{\"schema_version\":99,\"access_token\":\"at\",\"resource\":\"r\",\"issuer\":\"i\",\"client_id\":\"c\"}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"AT-SECRET-9\",\"resource\":\"https://mcp.example.com/mcp\",\"issuer\":\"https://auth.example.com\",\"client_id\":\"client-1\",\"obtained_at\":\"x\"}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"AT-SECRET-9\",\"resource\":\"https://mcp.example.com/mcp\",\"issuer\":\"https://auth.example.com\",\"client_id\":\"client-1\",\"expires_at\":99999999999999999}")]
    [InlineData("{\"schema_version\":1,\"access_token\":\"AT-SECRET-9\",\"resou")]
    public async Task GetAsync_CorruptOrUnreadableFile_TreatedAsAbsentWithoutThrowingOrLeaking(string content)
    {
        // STORE-07, LOG-01
        CreateStoreDirectory();
        await File.WriteAllTextAsync(_store.PathFor(Key), content);

        Func<Task<TokenSet?>> act = async () => await _store.GetAsync(Key);

        (await act.Should().NotThrowAsync()).Subject.Should().BeNull();
        _logger.AllText.Should().NotContain("AT-SECRET-9");
    }

    [Fact]
    public async Task GetAsync_TruncatedValidFile_TreatedAsAbsent()
    {
        // STORE-07: a torn write
        await _store.SetAsync(Key, Tokens(Key) with { RefreshToken = "rt-1" });
        byte[] bytes = await File.ReadAllBytesAsync(_store.PathFor(Key));
        await File.WriteAllBytesAsync(_store.PathFor(Key), bytes[..(bytes.Length / 2)]);

        (await _store.GetAsync(Key)).Should().BeNull();
        _logger.Entries.Should().NotBeEmpty();
    }

    [Fact]
    public async Task ListAsync_OneCorruptFileAmongValidOnes_ReturnsTheValidOnesAndLeavesThemIntact()
    {
        // STORE-07: other servers' entries are not destroyed
        TokenStoreKey other = Key with { Resource = "https://other.example.com/mcp" };
        await _store.SetAsync(Key, Tokens(Key));
        await _store.SetAsync(other, Tokens(other));
        byte[] before = await File.ReadAllBytesAsync(_store.PathFor(other));
        await File.WriteAllTextAsync(_store.PathFor(Key), "{ corrupt");

        IReadOnlyList<TokenSet> listed = await _store.ListAsync();

        listed.Should().ContainSingle().Which.Key.Should().Be(other);
        (await File.ReadAllBytesAsync(_store.PathFor(other))).Should().Equal(before);
    }

    [Fact]
    public async Task SetAsync_OverACorruptFile_Recovers()
    {
        CreateStoreDirectory();
        await File.WriteAllTextAsync(_store.PathFor(Key), "{ corrupt");

        await _store.SetAsync(Key, Tokens(Key, "at-new"));

        (await _store.GetAsync(Key))!.AccessToken.Should().Be("at-new");
    }

    [Fact]
    public async Task GetAsync_FileLargerThanTheCap_TreatedAsAbsent()
    {
        CreateStoreDirectory();
        await File.WriteAllTextAsync(_store.PathFor(Key), "{\"x\":\"" + new string('a', McpOAuthDefaults.MaxResponseBytes) + "\"}");

        (await _store.GetAsync(Key)).Should().BeNull();
    }

    [Fact]
    public async Task GetAsync_FileStoredUnderAnotherKey_NotReturned()
    {
        // STORE-10: a file copied to another key's name is not trusted
        TokenStoreKey other = Key with { Issuer = "https://other-as.example.com" };
        await _store.SetAsync(other, Tokens(other));
        File.Copy(_store.PathFor(other), _store.PathFor(Key));

        (await _store.GetAsync(Key)).Should().BeNull();
        (await _store.GetAsync(other)).Should().NotBeNull();
    }

    [Fact]
    public async Task SetAsync_TokenFileIsASymlink_RefusedAndTheLinkTargetUntouched()
    {
        // STORE-04
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        CreateStoreDirectory();
        string outside = _temp.Combine("outside.txt");
        await File.WriteAllTextAsync(outside, "precious");
        File.CreateSymbolicLink(_store.PathFor(Key), outside);

        Func<Task> act = async () => await _store.SetAsync(Key, Tokens(Key));

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
        (await File.ReadAllTextAsync(outside)).Should().Be("precious");
        new FileInfo(_store.PathFor(Key)).LinkTarget.Should().Be(outside);
    }

    [Fact]
    public async Task GetAsync_TokenFileIsASymlinkToAValidRecord_TreatedAsAbsent()
    {
        // STORE-04
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using FileTokenStore elsewhere = CreateStore(_temp.Combine("elsewhere"));
        await elsewhere.SetAsync(Key, Tokens(Key));
        CreateStoreDirectory();
        File.CreateSymbolicLink(_store.PathFor(Key), elsewhere.PathFor(Key));

        (await _store.GetAsync(Key)).Should().BeNull();
        (await _store.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task SetAsync_StoreDirectoryIsASymlink_Refused()
    {
        // STORE-04: the parent is a symlink into another directory
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string real = _temp.Combine("real");
        Directory.CreateDirectory(real);
        string link = _temp.Combine("link");
        Directory.CreateSymbolicLink(link, real);
        using FileTokenStore store = CreateStore(link);

        Func<Task> act = async () => await store.SetAsync(Key, Tokens(Key));

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
        Directory.GetFiles(real).Should().BeEmpty();
    }

    [Fact]
    public async Task RemoveAsync_Stored_RemovedAndOthersKept()
    {
        TokenStoreKey other = Key with { ClientId = "client-2" };
        await _store.SetAsync(Key, Tokens(Key));
        await _store.SetAsync(other, Tokens(other));

        await _store.RemoveAsync(Key);

        (await _store.GetAsync(Key)).Should().BeNull();
        (await _store.GetAsync(other)).Should().NotBeNull();
        File.Exists(_store.PathFor(Key)).Should().BeFalse();
    }

    [Fact]
    public async Task RemoveAsync_NothingStored_DoesNotThrow()
    {
        Func<Task> act = async () => await _store.RemoveAsync(Key);

        await act.Should().NotThrowAsync();
    }

    [Fact]
    public async Task ListAsync_SeveralEntries_EachWithItsOwnKey()
    {
        TokenStoreKey[] keys = [Key, Key with { Resource = "https://b.example.com/mcp" }, Key with { Issuer = "https://as2.example.com" }];
        foreach (TokenStoreKey key in keys)
        {
            await _store.SetAsync(key, Tokens(key, "at-" + key.GetHashCode()));
        }

        await File.WriteAllTextAsync(Path.Combine(_store.Directory, "notes.txt"), "ignored");
        IReadOnlyList<TokenSet> listed = await _store.ListAsync();

        listed.Select(t => t.Key).Should().BeEquivalentTo(keys);
    }

    [Fact]
    public async Task ListAsync_DirectoryMissing_EmptyAndNothingCreated()
    {
        // STORE-09: read-only operations leave the disk alone
        IReadOnlyList<TokenSet> listed = await _store.ListAsync();

        listed.Should().BeEmpty();
        Directory.Exists(_store.Directory).Should().BeFalse();
    }

    [Fact]
    public async Task GetAsync_Stored_LeavesTheFileBytesAndTimeUnchanged()
    {
        // STORE-09
        await _store.SetAsync(Key, Tokens(Key));
        string path = _store.PathFor(Key);
        byte[] before = await File.ReadAllBytesAsync(path);
        DateTime written = File.GetLastWriteTimeUtc(path);

        await _store.GetAsync(Key);
        await _store.ListAsync();

        (await File.ReadAllBytesAsync(path)).Should().Equal(before);
        File.GetLastWriteTimeUtc(path).Should().Be(written);
    }

    [Fact]
    public async Task SetAsync_ConcurrentWriters_EveryFileEndsValid()
    {
        // STORE-11 (in-process part): no lost or torn writes
        TokenStoreKey[] keys = [.. Enumerable.Range(0, 10).Select(i => Key with { Resource = $"https://mcp{i}.example.com/mcp" })];

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _store.SetAsync(keys[i % keys.Length], Tokens(keys[i % keys.Length], $"at-{i}")).AsTask()));

        IReadOnlyList<TokenSet> listed = await _store.ListAsync();
        listed.Select(t => t.Key).Should().BeEquivalentTo(keys);
        Directory.GetFiles(_store.Directory, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public async Task LockAsync_HeldByAnotherStoreInstance_WaitsUntilReleased()
    {
        // REF-04, STORE-11: the lock works across instances (and so across processes)
        using FileTokenStore second = CreateStore(_store.Directory);
        IAsyncDisposable held = await _store.LockAsync(Key);

        Task<IAsyncDisposable> waiting = second.LockAsync(Key).AsTask();
        TimeSpan retryDelay = await _time.NextTimerAsync(_ => true);
        bool acquiredWhileHeld = waiting.IsCompleted;
        await held.DisposeAsync();
        _time.Advance(retryDelay);

        acquiredWhileHeld.Should().BeFalse();
        await (await waiting.WaitAsync(TestTimeouts.Default)).DisposeAsync();
    }

    [Fact]
    public async Task LockAsync_HeldLongerThanTheTimeout_TimeoutError()
    {
        using FileTokenStore second = CreateStore(_store.Directory);
        await using IAsyncDisposable held = await _store.LockAsync(Key);

        Task<IAsyncDisposable> waiting = second.LockAsync(Key).AsTask();
        while (true)
        {
            Task<TimeSpan> retry = _time.NextTimerAsync(_ => true);
            if (await Task.WhenAny(waiting, retry) == waiting)
            {
                break;
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Func<Task> act = () => waiting.WaitAsync(TestTimeouts.Default);
        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
    }

    [Fact]
    public async Task LockAsync_SameInstanceSameKey_SecondWaitsForTheFirst()
    {
        IAsyncDisposable first = await _store.LockAsync(Key);

        Task<IAsyncDisposable> second = _store.LockAsync(Key).AsTask();
        bool secondBeforeRelease = second.IsCompleted;
        await first.DisposeAsync();

        secondBeforeRelease.Should().BeFalse();
        await (await second.WaitAsync(TestTimeouts.Default)).DisposeAsync();
    }

    [Fact]
    public async Task LockAsync_DifferentKeys_Independent()
    {
        await using IAsyncDisposable first = await _store.LockAsync(Key);

        Task<IAsyncDisposable> other = _store.LockAsync(Key with { ClientId = "client-2" }).AsTask();

        await (await other.WaitAsync(TestTimeouts.Default)).DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Constructor_BlankDirectory_ThrowsArgumentException(string directory)
    {
        Action act = () => _ = new FileTokenStore(directory);

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(50)]
    [InlineData(11 * 60 * 1000)]
    public void Constructor_LockTimeoutOutOfRange_ThrowsArgumentOutOfRange(int milliseconds)
    {
        Action act = () => _ = new FileTokenStore(new FileTokenStoreOptions { Directory = _temp.Path, LockTimeout = TimeSpan.FromMilliseconds(milliseconds) });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task SetAsync_TokensOnDisk_NeverInTheLog()
    {
        // LOG-01
        await _store.SetAsync(Key, Tokens(Key, "AT-SECRET-5") with { RefreshToken = "RT-SECRET-5" });
        await File.WriteAllTextAsync(Path.Combine(_store.Directory, "broken.json"), "{\"access_token\":\"AT-SECRET-6\"");

        await _store.ListAsync();

        _logger.AllText.Should().NotContain("AT-SECRET").And.NotContain("RT-SECRET");
    }

    /// <summary>Creates the store's directory as the store would: 0700 (an existing wider directory is refused).</summary>
    private void CreateStoreDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_store.Directory);
        }
        else
        {
            Directory.CreateDirectory(_store.Directory, OwnerAll);
        }
    }

    private FileTokenStore CreateStore(string directory) =>
        new(new FileTokenStoreOptions { Directory = directory, LockTimeout = TimeSpan.FromSeconds(5) }, _logger, _time);

    private static TokenSet Tokens(TokenStoreKey key, string accessToken = "at-1") =>
        TokenSets.For(key, accessToken) with { ObtainedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };

    [GeneratedRegex("^[0-9A-F]{64}\\.json$")]
    private static partial Regex HashFileName();
}
