using System.Text;
using FluentAssertions.Execution;
using McpOAuth.Client.Tests.RealServer;
using McpOAuth.Client.Tests.TestDoubles;

namespace McpOAuth.Client.Keyring.Tests;

/// <summary><see cref="KeyringTokenStore"/> against a real Secret Service (gnome-keyring on a private session bus), through
/// StoreWriter child processes (issue 10 item 1).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeyringTokenStoreTests
{
    [SecretServiceFact]
    public async Task SetAsync_ThenAnotherProcessReadsListsAndAsks_TheCredentialIsInTheSecretServiceOnly()
    {
        // Issue 10 item 1: write, read, list; tokens, the client's secret and the DPoP private key are one secret, and no file
        // in the store directory holds any of them.
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();

        WriterResult set = await session.KeyringAsync("set", "{store}", "5");
        var (get, list) = await ReadBackAsync(session);
        WriterResult protection = await session.KeyringAsync("protection", "{store}");

        using (new AssertionScope())
        {
            ShouldPrint(set, "set 5");
            ShouldPrint(get, "generation 5");
            ShouldPrint(list, "listed 1", "generation 5");
            ShouldPrint(protection, nameof(TokenProtection.LinuxSecretService));
            string secret = await LookUpSecretAsync(session);
            secret.Should().Contain("rt.5").And.Contain("dpop-private-key.5").And.Contain("secret.5");
            foreach (string file in Directory.GetFiles(session.StoreDirectory))
            {
                string text = await File.ReadAllTextAsync(file);
                text.Should().NotContain("rt.5").And.NotContain("dpop-private-key").And.NotContain("secret.5", file);
                File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
            }
        }
    }

    [SecretServiceFact]
    public async Task RemoveAsync_Stored_GoneFromTheSecretServiceAndTheIndex()
    {
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        (await session.KeyringAsync("set", "{store}", "3")).ExitCode.Should().Be(0);
        (await SearchAsync(session)).Should().Contain("mcp_oauth_credential", "precondition: the secret service holds the credential");

        WriterResult remove = await session.KeyringAsync("remove", "{store}");
        var (get, list) = await ReadBackAsync(session);

        using (new AssertionScope())
        {
            ShouldPrint(remove, "removed");
            ShouldPrint(get, "absent");
            ShouldPrint(list, "listed 0");
            (await SearchAsync(session)).Should().NotContain("mcp_oauth_credential");
            Directory.GetFiles(session.StoreDirectory, "*.keyring").Should().BeEmpty();
        }
    }

    [SecretServiceFact]
    public async Task LockAsync_AnotherProcessHoldsTheCredentialsLock_WaitsUntilItIsReleased()
    {
        // Issue 10 item 1: the lock works across processes. This process waits on a fake clock, so each retry is seen to fail
        // while the child holds the lock; the lock itself never touches the keyring.
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        using System.Diagnostics.Process holder = StoreWriter.Start(session, ["--keyring", "lock", "{store}"]);
        (await holder.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Default)).Should().Be("locked");
        var time = new ObservableTimeProvider();
        using var store = new KeyringTokenStore(new KeyringTokenStoreOptions { Directory = session.StoreDirectory, LockTimeout = TimeSpan.FromMinutes(10) }, null, time);

        Task<IAsyncDisposable> waiting = store.LockAsync(StoreGenerations.Key).AsTask();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            TimeSpan retry = await time.NextTimerAsync(due => due < TimeSpan.FromSeconds(5));
            waiting.IsCompleted.Should().BeFalse($"attempt {attempt} must fail while the other process holds the lock");
            time.Advance(retry);
        }

        TimeSpan last = await time.NextTimerAsync(due => due < TimeSpan.FromSeconds(5));
        await holder.StandardInput.WriteLineAsync("release");
        await holder.StandardInput.FlushAsync();
        (await holder.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Default)).Should().Be("released");
        time.Advance(last);

        await (await waiting.WaitAsync(TestTimeouts.Default)).DisposeAsync();
    }

    [SecretServiceFact]
    public async Task AnyOperation_KeyringLocked_StoreUnavailableNamingTheFallbackAndNothingInPlaintext()
    {
        // Issue 10 item 1: a locked keyring is a typed error that names the fallback option; nothing falls back silently
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        (await session.KeyringAsync("set", "{store}", "1")).ExitCode.Should().Be(0);
        await session.LockKeyringAsync();

        WriterResult set = await session.KeyringAsync("set", "{store}", "2");
        var (get, list) = await ReadBackAsync(session);
        WriterResult remove = await session.KeyringAsync("remove", "{store}");

        using (new AssertionScope())
        {
            foreach (WriterResult result in new[] { set, get, list, remove })
            {
                result.ExitCode.Should().Be(3, result.Transcript);
                result.Lines.Should().HaveCount(2, result.Transcript);
                result.Lines[0].Should().Be("error StoreUnavailable", result.Transcript);
                result.Lines[1].Should().Contain("AllowPlaintextFallback").And.Contain("locked").And.NotContain("rt.", result.Transcript);
            }

            Directory.GetFiles(session.StoreDirectory, "*.json").Should().BeEmpty("nothing fell back to plaintext");
            Directory.GetFiles(session.StoreDirectory, "*.keyring").Should().ContainSingle("the stored credential is kept");
        }
    }

    [SecretServiceFact]
    public async Task AnyOperation_NoSecretService_StoreUnavailableNamingTheFallback()
    {
        // Issue 10 item 1: the secret service absent (no bus at that address, no display to start one)
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        Action<System.Diagnostics.ProcessStartInfo> noBus = NoBus(session);

        WriterResult set = await session.KeyringAsync(noBus, "set", "{store}", "1");

        using (new AssertionScope())
        {
            set.ExitCode.Should().Be(3, set.Transcript);
            set.Lines.Should().HaveCount(2, set.Transcript);
            set.Lines[0].Should().Be("error StoreUnavailable", set.Transcript);
            set.Lines[1].Should().Contain("KeyringTokenStoreOptions.AllowPlaintextFallback", set.Transcript);
            Directory.GetFiles(session.StoreDirectory).Should().BeEmpty("a failed write leaves no marker and no plaintext");
        }
    }

    [SecretServiceFact]
    public async Task SetAsync_NoSecretServiceWithTheFallbackAllowed_OwnerOnlyFileReportedAsFilePermissions()
    {
        // Issue 10 item 1: the fallback is explicit, and status can tell
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        Action<System.Diagnostics.ProcessStartInfo> noBus = NoBus(session);

        WriterResult set = await session.KeyringAsync(noBus, "--fallback", "set", "{store}", "4");
        WriterResult get = await session.KeyringAsync(noBus, "--fallback", "get", "{store}");
        WriterResult protection = await session.KeyringAsync(noBus, "--fallback", "protection", "{store}");

        using (new AssertionScope())
        {
            ShouldPrint(set, "set 4");
            ShouldPrint(get, "generation 4");
            ShouldPrint(protection, nameof(TokenProtection.FilePermissions));
            string file = Directory.GetFiles(session.StoreDirectory, "*.json").Should().ContainSingle().Subject;
            File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [SecretServiceFact]
    public async Task SetAsync_LoginKeptByTheFileStore_ReadThenMovedIntoTheKeyringAtTheNextWrite()
    {
        // Switching a user from the file store to the keyring keeps the login, and leaves no plaintext copy behind
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        (await session.WriterAsync(["set", "{store}", "1"])).Lines.Should().Equal("set 1");

        WriterResult before = await session.KeyringAsync("protection", "{store}");
        WriterResult read = await session.KeyringAsync("get", "{store}");
        WriterResult set = await session.KeyringAsync("set", "{store}", "2");
        WriterResult after = await session.KeyringAsync("protection", "{store}");

        using (new AssertionScope())
        {
            ShouldPrint(before, nameof(TokenProtection.FilePermissions));
            ShouldPrint(read, "generation 1");
            ShouldPrint(set, "set 2");
            ShouldPrint(after, nameof(TokenProtection.LinuxSecretService));
            Directory.GetFiles(session.StoreDirectory, "*.json").Should().BeEmpty("the plaintext copy is removed once the keyring holds the credential");
        }
    }

    [SecretServiceFact]
    public async Task GetAsync_SecretDeletedByAnotherProgram_AbsentNotAnError()
    {
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        (await session.KeyringAsync("set", "{store}", "1")).ExitCode.Should().Be(0);
        (await session.RunToolAsync(null, "secret-tool", "clear", "xdg:schema", "McpOAuth.Client.TokenStore")).ExitCode.Should().Be(0);
        (await SearchAsync(session)).Should().NotContain("mcp_oauth_credential", "precondition: another program removed the secret");

        WriterResult get = await session.KeyringAsync("get", "{store}");

        ShouldPrint(get, "absent");
    }

    /// <summary>What another process reads back from the store: <c>get</c> (its credential), then <c>list</c>.</summary>
    private static async Task<(WriterResult Get, WriterResult List)> ReadBackAsync(SecretServiceSession session) =>
        (await session.KeyringAsync("get", "{store}"), await session.KeyringAsync("list", "{store}"));

    /// <summary>The child printed exactly <paramref name="lines"/>; its transcript explains a failure.</summary>
    private static void ShouldPrint(WriterResult result, params string[] lines) => result.Lines.Should().Equal(lines, result.Transcript);

    /// <summary>An environment whose session bus does not exist: the Secret Service is absent.</summary>
    private static Action<System.Diagnostics.ProcessStartInfo> NoBus(SecretServiceSession session) => start =>
        start.Environment["DBUS_SESSION_BUS_ADDRESS"] = $"unix:path={Path.Combine(session.Root, "no-such-bus")}";

    /// <summary>Every item of this store's schema, as secret-tool prints them (attributes, not secrets).</summary>
    private static async Task<string> SearchAsync(SecretServiceSession session) =>
        (await session.RunToolAsync(null, "secret-tool", "search", "--all", "xdg:schema", "McpOAuth.Client.TokenStore")).Output;

    /// <summary>The stored record, as the Secret Service returns it to any program of the user (base64 of the JSON record).</summary>
    private static async Task<string> LookUpSecretAsync(SecretServiceSession session)
    {
        string id = Path.GetFileNameWithoutExtension(Directory.GetFiles(session.StoreDirectory, "*.keyring").Should().ContainSingle().Subject);
        (int exit, string output) = await session.RunToolAsync(null, "secret-tool", "lookup", "mcp_oauth_credential", id);
        exit.Should().Be(0, output);
        return Encoding.UTF8.GetString(Convert.FromBase64String(output.Trim()));
    }
}
