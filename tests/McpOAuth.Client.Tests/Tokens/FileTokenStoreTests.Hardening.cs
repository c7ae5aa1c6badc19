using System.Diagnostics;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Tokens;

/// <summary>Issue 10 item 0 and the STORE cases of the hostile-server catalogue: the store trusts only a directory that is the
/// user's own and 0700, reads only regular files, reports every failed write typed, and adopts a complete write whose writer
/// died before its rename (REF-05).</summary>
public sealed partial class FileTokenStoreTests
{
    [Fact]
    public async Task AnyOperation_ExistingDirectoryReadableByOthers_RefusedWithStoreUnavailableNamingTheFix()
    {
        // STORE-02 (issue 10 item 0): an existing directory that is not 0700 is never used as it is
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_store.Directory, OwnerAll | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Func<Task> set = async () => await _store.SetAsync(Key, Tokens(Key, "AT-SECRET-7"));
        Func<Task> get = async () => await _store.GetAsync(Key);
        Func<Task> list = async () => await _store.ListAsync();
        Func<Task> lockIt = async () => await (await _store.LockAsync(Key)).DisposeAsync();

        foreach (Func<Task> act in new[] { set, get, list, lockIt })
        {
            McpOAuthException refused = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
            refused.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
            refused.Message.Should().Contain(_store.Directory).And.Contain("chmod 700").And.NotContain("AT-SECRET-7");
        }

        Directory.GetFileSystemEntries(_store.Directory).Should().BeEmpty("nothing is written into a refused directory");
        File.GetUnixFileMode(_store.Directory).Should().NotBe(OwnerAll, "a refused directory is not changed by path (a race)");
    }

    [Fact]
    public async Task SetAsync_ExistingDirectoryWritableByOthers_Refused()
    {
        // STORE-02: others could have planted or swapped files in it
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(_store.Directory, OwnerAll | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        Func<Task> act = async () => await _store.SetAsync(Key, Tokens(Key));

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
    }

    [Fact]
    public async Task AnyOperation_ExistingDirectoryOwnedByAnotherUser_RefusedWithStoreUnavailable()
    {
        // STORE-02: owned by another uid -> refused. Giving a directory away needs root, as CI runs; elsewhere there is no
        // other user's 0700 directory to point at, so the case cannot be built.
        if (OperatingSystem.IsWindows() || UnixOwner.EffectiveUserId() != 0)
        {
            return;
        }

        Directory.CreateDirectory(_store.Directory, OwnerAll);
        await RunAsync("chown", "65534:65534", _store.Directory);

        Func<Task> set = async () => await _store.SetAsync(Key, Tokens(Key));
        Func<Task> get = async () => await _store.GetAsync(Key);

        (await set.Should().ThrowAsync<McpOAuthException>()).Which.Message.Should().Contain("owned by another user");
        (await get.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
        Directory.GetFileSystemEntries(_store.Directory).Should().BeEmpty();
    }

    [Fact]
    public async Task GetAsync_TokenFileIsAFifo_TreatedAsAbsentWithoutHanging()
    {
        // Issue 10 item 0: a FIFO named *.json hung the read (open(2) waits for a writer). Only regular files are read.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _store.SetAsync(Key with { ClientId = "other" }, Tokens(Key with { ClientId = "other" }));
        await RunAsync("mkfifo", "-m", "600", _store.PathFor(Key));

        TokenSet? read = await _store.GetAsync(Key).AsTask().WaitAsync(TestTimeouts.Default);
        IReadOnlyList<TokenSet> listed = await _store.ListAsync().AsTask().WaitAsync(TestTimeouts.Default);

        read.Should().BeNull();
        listed.Should().ContainSingle().Which.ClientId.Should().Be("other");
        _logger.AllText.Should().Contain("not a regular file");
    }

    [Fact]
    public async Task GetAsync_WorldReadableTokenFile_TightenedTo0600WithAWarning()
    {
        // STORE-02: tightened on the open handle (never chmod by path after a check), and said so
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _store.SetAsync(Key, Tokens(Key));
        string path = _store.PathFor(Key);
        File.SetUnixFileMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        TokenSet? read = await _store.GetAsync(Key);

        read.Should().NotBeNull();
        File.GetUnixFileMode(path).Should().Be(OwnerReadWrite);
        _logger.AllText.Should().Contain("0600");
    }

    [Fact]
    public async Task SetAsync_TempFile_IsOwnerOnlyFromTheMomentItExists()
    {
        // STORE-01: a watcher polling during creation never sees a wider mode: the file is created 0600 (UnixCreateMode),
        // not created and then narrowed. The hook runs right after creation, before the first byte is written.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var seen = new List<(UnixFileMode Mode, long Length)>();
        _store.TempFileCreated = temp => seen.Add((RealServer.UnixModes.Of(temp), new FileInfo(temp).Length));

        await _store.SetAsync(Key, Tokens(Key));

        seen.Should().Equal((OwnerReadWrite, 0L));
    }

    [Fact]
    public async Task SetAsync_DiskFullBeforeTheRename_StoreUnavailableWithTheCauseAndThePreviousFileKept()
    {
        // STORE-08: a failed write surfaces typed, with the inner exception, without secrets, and never deletes what was there
        await _store.SetAsync(Key, Tokens(Key, "at-old") with { RefreshToken = "rt-old" });
        byte[] before = await File.ReadAllBytesAsync(_store.PathFor(Key));
        var diskFull = new IOException("No space left on device", unchecked((int)0x8007_0070));
        _store.BeforeRename = _ => throw diskFull;

        Func<Task> act = async () => await _store.SetAsync(Key, Tokens(Key, "AT-SECRET-8") with { RefreshToken = "RT-SECRET-8" });

        McpOAuthException failure = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            failure.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
            failure.InnerException.Should().BeSameAs(diskFull);
            failure.Message.Should().Contain(_store.Directory).And.NotContain("SECRET");
            (await File.ReadAllBytesAsync(_store.PathFor(Key))).Should().Equal(before);
            Directory.GetFiles(_store.Directory, "*.tmp").Should().BeEmpty("the failed write's temporary file is removed");
        }
    }

    [Fact]
    public async Task SetAsync_RenameFailsForReal_StoreUnavailable()
    {
        // STORE-08 with a real file system error: the credential's path is taken by a directory, so the rename fails
        CreateStoreDirectory();
        Directory.CreateDirectory(_store.PathFor(Key));
        File.WriteAllText(Path.Combine(_store.PathFor(Key), "keep"), "x");

        Func<Task> act = async () => await _store.SetAsync(Key, Tokens(Key));

        McpOAuthException failure = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        failure.Code.Should().Be(McpOAuthErrorCode.StoreUnavailable);
        failure.InnerException.Should().BeAssignableTo<Exception>().Which.Should().Match<Exception>(e => e is IOException || e is UnauthorizedAccessException);
        File.Exists(Path.Combine(_store.PathFor(Key), "keep")).Should().BeTrue();
    }

    [Fact]
    public async Task GetAsync_UnderTheLock_AdoptsTheNewestCompletePendingWrite()
    {
        // REF-05 (issue 10 item 0): a writer killed after its temporary file was complete but before the rename held the
        // newest rotated refresh token. The next holder of the lock renames it into place instead of deleting it.
        await _store.SetAsync(Key, Generation(1));
        WritePendingWrite(Generation(3));
        WritePendingWrite(Generation(2));

        TokenSet? read;
        await using (await _store.LockAsync(Key))
        {
            read = await _store.GetAsync(Key);
        }

        using (new AssertionScope())
        {
            read!.RefreshToken.Should().Be("rt-3");
            using FileTokenStore fresh = CreateStore(_store.Directory);
            (await fresh.GetAsync(Key))!.RefreshToken.Should().Be("rt-3", "the adopted write is the credential's file now");
            _logger.AllText.Should().Contain("pending write").And.NotContain("rt-3");
        }
    }

    [Fact]
    public async Task GetAsync_UnderTheLock_NoFileYet_AdoptsACompletePendingWrite()
    {
        // REF-05: the first write of a sign-in was killed before its rename
        await _store.SetAsync(Key with { ClientId = "other" }, Tokens(Key with { ClientId = "other" }));
        WritePendingWrite(Generation(1));

        await using IAsyncDisposable held = await _store.LockAsync(Key);

        (await _store.GetAsync(Key))!.RefreshToken.Should().Be("rt-1");
        File.Exists(_store.PathFor(Key)).Should().BeTrue();
    }

    [Fact]
    public async Task GetAsync_UnderTheLock_OlderTornOrForeignPendingWrites_NotAdopted()
    {
        // REF-05: only a complete, parseable record of this credential that is newer (ObtainedAt) replaces the file
        await _store.SetAsync(Key, Generation(5));
        WritePendingWrite(Generation(4));
        string torn = WritePendingWrite(Generation(9));
        File.WriteAllBytes(torn, File.ReadAllBytes(torn)[..40]);
        TokenStoreKey other = Key with { ClientId = "someone-else" };
        WritePendingWrite(Generation(8) with { ClientId = other.ClientId });

        await using IAsyncDisposable held = await _store.LockAsync(Key);

        (await _store.GetAsync(Key))!.RefreshToken.Should().Be("rt-5");
    }

    [Fact]
    public async Task GetAsync_WithoutTheLock_LeavesAPendingWriteAlone()
    {
        // STORE-09: a read that does not hold the credential's lock never changes the disk
        await _store.SetAsync(Key, Generation(1));
        string pending = WritePendingWrite(Generation(2));

        TokenSet? read = await _store.GetAsync(Key);

        read!.RefreshToken.Should().Be("rt-1");
        File.Exists(pending).Should().BeTrue();
    }

    [Fact]
    public void OwnerOnlySecurity_Sddl_GrantsOnlyTheUserWithInheritanceDisabled()
    {
        // STORE-03 (Windows): the descriptor the store applies to its directory and files. Building it from SDDL is tested here
        // on every platform; applying it needs Windows (FileSystemAclExtensions), covered by the Windows-only test below.
        const string Sid = "S-1-5-21-1004336348-1177238915-682003330-1001";

        using (new AssertionScope())
        {
            OwnerOnlySecurity.Sddl(Sid, directory: true).Should().Be($"O:{Sid}G:{Sid}D:P(A;OICI;FA;;;{Sid})");
            OwnerOnlySecurity.Sddl(Sid, directory: false).Should().Be($"O:{Sid}G:{Sid}D:P(A;;FA;;;{Sid})");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("S-1-5-21-1;(A;;FA;;;WD)")]
    [InlineData("WD")]
    public void OwnerOnlySecurity_SddlWithAnythingButASid_Throws(string sid)
    {
        // STORE-03: the SID is spliced into SDDL; anything else could add an entry (here: Everyone, full access)
        Action act = () => OwnerOnlySecurity.Sddl(sid, directory: false);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task SetAsync_OnWindows_DirectoryAndFileAclGrantOnlyTheCurrentUser()
    {
        // STORE-03: runs on Windows only (there is no Windows runner in CI; see docs/security.md)
        if (!OperatingSystem.IsWindows())
        {
            return;
        }

        await _store.SetAsync(Key, Tokens(Key));

        foreach (System.Security.AccessControl.FileSystemSecurity security in new System.Security.AccessControl.FileSystemSecurity[]
        {
            new DirectoryInfo(_store.Directory).GetAccessControl(),
            new FileInfo(_store.PathFor(Key)).GetAccessControl(),
        })
        {
            security.AreAccessRulesProtected.Should().BeTrue();
            var rules = security.GetAccessRules(true, true, typeof(System.Security.Principal.SecurityIdentifier));
            rules.Count.Should().Be(1);
            ((System.Security.AccessControl.FileSystemAccessRule)rules[0]!).IdentityReference.Should()
                .Be(System.Security.Principal.WindowsIdentity.GetCurrent().User);
        }
    }

    [Fact]
    public async Task GetProtectionAsync_AnyCredential_FilePermissions()
    {
        (await _store.GetProtectionAsync(Key)).Should().Be(TokenProtection.FilePermissions);
        Directory.Exists(_store.Directory).Should().BeFalse("asking creates nothing");
    }

    private static TokenSet Generation(int generation) => Tokens(Key, $"at-{generation}") with
    {
        RefreshToken = $"rt-{generation}",
        ObtainedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(generation),
    };

    /// <summary>Leaves a temporary file exactly as a writer killed between its flush and its rename leaves it.</summary>
    private string WritePendingWrite(TokenSet tokens)
    {
        string target = _store.PathFor(Key);
        string temp = Path.Combine(_store.Directory, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(TokenSetSerializer.Serialize(tokens));
        }

        return temp;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        process.ExitCode.Should().Be(0, $"{program} failed: {error}");
    }
}
