using System.Globalization;
using Xunit.Abstractions;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary><see cref="FileTokenStore"/> across real OS processes (the StoreWriter): a writer killed with SIGKILL at varied
/// points never leaves an unreadable or mixed store (STORE-06), and the per-credential lock file excludes another process
/// and is released by the operating system when its holder dies (STORE-11).</summary>
public sealed class FileTokenStoreProcessTests
{
    /// <summary>How many writers are started and killed.</summary>
    private const int Rounds = 40;

    /// <summary>Kill points cycle through: right after start (-1), after "ready" (0), after 1..7 confirmed writes.</summary>
    private const int KillPoints = 9;

    private static readonly TokenStoreKey Key = StoreGenerations.Key;

    private readonly ITestOutputHelper _output;

    public FileTokenStoreProcessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task SetAsync_WriterKilledAtVariedPoints_FreshStoreAlwaysReadsOneCompleteGeneration()
    {
        // STORE-06: killed mid-write, the store still reads one complete generation
        using var temp = new TempDirectory();
        string directory = temp.Combine("store");
        long onDisk = 0; // the generation a fresh store read after the previous round; 0 before anything was written
        int leftoverTempFiles = 0;

        for (int round = 0; round < Rounds; round++)
        {
            int linesBeforeKill = (round % KillPoints) - 1;
            long first = onDisk + 1;
            long? confirmed = null;
            await using (ChildProcess writer = ChildProcess.StartStoreWriter(
                "write", directory, first.ToString(CultureInfo.InvariantCulture)))
            {
                if (linesBeforeKill >= 0)
                {
                    (await writer.ReadStandardOutputLineAsync()).Should().Be("ready", writer.Describe());
                }

                for (int line = 0; line < linesBeforeKill; line++)
                {
                    confirmed = ParseWrote(await writer.ReadStandardOutputLineAsync(), writer);
                }

                await writer.KillAsync();
            }

            string context = $"round {round}: writer started at generation {first}, killed after " +
                (linesBeforeKill < 0 ? "start" : $"{linesBeforeKill} confirmed writes (last {confirmed?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
            using var store = new FileTokenStore(directory);
            TokenSet? read = await store.GetAsync(Key);
            if (read is null)
            {
                // Only possible while no write has ever completed.
                onDisk.Should().Be(0, context);
                confirmed.Should().BeNull(context);
                continue;
            }

            long generation = StoreGenerations.GenerationOf(read) ?? throw new InvalidOperationException($"{context}: no generation in {read}");
            IReadOnlyList<TokenSet> listed = await store.ListAsync();
            string[] files = Directory.GetFiles(directory);
            leftoverTempFiles = files.Count(f => f.EndsWith(".tmp", StringComparison.Ordinal));
            using (new AssertionScope(context))
            {
                // Every field belongs to that one generation: not a torn or mixed file.
                read.Should().BeEquivalentTo(StoreGenerations.Create(generation));

                // The last generation on disk before this writer, or one it wrote; never older than a write it confirmed.
                (generation == onDisk || generation >= first).Should().BeTrue($"generation {generation} is neither {onDisk} nor from this writer");
                generation.Should().BeGreaterThanOrEqualTo(confirmed ?? onDisk);

                // Leftover temporary files never break a read or a listing, and hold tokens only owner-readable.
                listed.Should().ContainSingle().Which.Should().BeEquivalentTo(read);
                files.Should().OnlyContain(f => UnixModes.Of(f) == UnixModes.OwnerReadWrite);
            }

            onDisk = generation;
        }

        _output.WriteLine($"{Rounds} kills; last generation read: {onDisk}; temporary files left behind by killed writes: {leftoverTempFiles}");
        onDisk.Should().BeGreaterThan(0, "the writers completed at least one write");
    }

    [Fact]
    public async Task RemoveAsync_AfterAWriterWasKilledMidWrite_NoCopyOfTheTokensStaysInTheStore()
    {
        using var temp = new TempDirectory();
        string directory = temp.Combine("store");
        string credentialFile;
        using (var naming = new FileTokenStore(directory))
        {
            credentialFile = naming.PathFor(Key);
        }

        for (int attempt = 0; attempt < 20 && CopiesOfTokens(directory, credentialFile).Length == 0; attempt++)
        {
            await using ChildProcess writer = ChildProcess.StartStoreWriter(
                "write", directory, (1 + (attempt * 1000)).ToString(CultureInfo.InvariantCulture));
            (await writer.ReadStandardOutputLineAsync()).Should().Be("ready", writer.Describe());
            for (int line = 0; line < 3; line++)
            {
                ParseWrote(await writer.ReadStandardOutputLineAsync(), writer);
            }

            await writer.KillAsync();
        }

        CopiesOfTokens(directory, credentialFile).Should().NotBeEmpty("precondition: a kill landed inside a write and left its temporary file");

        using (var restarted = new FileTokenStore(directory))
        {
            await restarted.RemoveAsync(Key);
        }

        // Removing a credential (what logout does) must leave no copy of its refresh token on disk. A killed write's
        // temporary file is a complete copy; STORE-06 wants such files cleaned up on the next start.
        File.Exists(credentialFile).Should().BeFalse();
        CopiesOfTokens(directory, credentialFile).Should().BeEmpty("the removed credential's tokens must not survive in files a killed write left behind");
    }

    [Fact]
    public async Task LockAsync_AnotherProcessHoldsTheLock_WaitsUntilItIsReleased()
    {
        await using LockContest contest = await LockContest.StartAsync();

        // Each retry is scheduled on the fake clock only after an attempt failed: the other process still holds the lock.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            TimeSpan retry = await contest.Time.NextTimerAsync(due => due < TimeSpan.FromSeconds(5));
            contest.Waiting.IsCompleted.Should().BeFalse($"attempt {attempt} must fail while {contest.Holder.Describe()} holds the lock");
            contest.Time.Advance(retry);
        }

        TimeSpan last = await contest.Time.NextTimerAsync(due => due < TimeSpan.FromSeconds(5));
        contest.Waiting.IsCompleted.Should().BeFalse("the other process still holds the lock");

        await contest.Holder.WriteLineAsync("release");
        (await contest.Holder.ReadStandardOutputLineAsync()).Should().Be("released", contest.Holder.Describe());
        contest.Time.Advance(last);

        IAsyncDisposable held = await contest.Waiting.WaitAsync(TestTimeouts.Default);
        await held.DisposeAsync();
        (await contest.Holder.WaitForExitAsync()).Should().Be(0, contest.Holder.Describe());
    }

    [Fact]
    public async Task LockAsync_HolderKilled_OperatingSystemReleasesTheLockAtTheNextAttempt()
    {
        // STORE-11: a lock whose holder died is free again at once
        await using LockContest contest = await LockContest.StartAsync();
        TimeSpan retry = await contest.Time.NextTimerAsync(due => due < TimeSpan.FromSeconds(5));
        contest.Waiting.IsCompleted.Should().BeFalse("the live holder has the lock");

        await contest.Holder.KillAsync();

        // A store that starts after the death gets the lock without waiting at all: its clock is never advanced, so a
        // retry would hang until the guard. A lock file the dead holder left behind does not block it.
        var frozen = new ObservableTimeProvider();
        using (var later = new FileTokenStore(new FileTokenStoreOptions { Directory = contest.Directory }, null, frozen))
        {
            IAsyncDisposable immediately = await later.LockAsync(Key).AsTask().WaitAsync(TestTimeouts.Default);
            await immediately.DisposeAsync();
        }

        // And the store that was already waiting gets it at its very next attempt: no stale-lock timeout to sit out.
        contest.Time.Advance(retry);
        IAsyncDisposable held = await contest.Waiting.WaitAsync(TestTimeouts.Default);
        await held.DisposeAsync();
        Directory.GetFiles(contest.Directory).Should().OnlyContain(f => UnixModes.Of(f) == UnixModes.OwnerReadWrite);
    }

    [Fact]
    public async Task SetAsync_TwoProcessesUpdatingTheirOwnServersEntries_NoUpdateIsLost()
    {
        // STORE-11: two processes x 1,000 updates (10 servers each, 100 generations) to different entries of one store
        const int Servers = 10;
        const int Generations = 100;
        using var temp = new TempDirectory();
        string directory = temp.Combine("store");
        await using ChildProcess first = ChildProcess.StartStoreWriter("update", directory, "a", "10", "100");
        await using ChildProcess second = ChildProcess.StartStoreWriter("update", directory, "b", "10", "100");
        (await first.ReadStandardOutputLineAsync()).Should().Be("ready", first.Describe());
        (await second.ReadStandardOutputLineAsync()).Should().Be("ready", second.Describe());

        await Task.WhenAll(first.WriteLineAsync("go"), second.WriteLineAsync("go"));

        (await first.ReadStandardOutputLineAsync()).Should().Be("done", first.Describe());
        (await second.ReadStandardOutputLineAsync()).Should().Be("done", second.Describe());
        using var store = new FileTokenStore(directory);
        IReadOnlyList<TokenSet> listed = await store.ListAsync();
        using (new AssertionScope())
        {
            listed.Should().HaveCount(2 * Servers);
            foreach (string tag in new[] { "a", "b" })
            {
                for (int i = 0; i < Servers; i++)
                {
                    TokenSet? entry = await store.GetAsync(StoreGenerations.KeyFor(tag, i));
                    StoreGenerations.GenerationOf(entry!).Should().Be(Generations, $"entry {tag}-{i} ends at the last generation written");
                }
            }

            Directory.GetFiles(directory, "*.tmp").Should().BeEmpty();
        }
    }

    /// <summary>Files other than the credential's own that hold a refresh token.</summary>
    private static string[] CopiesOfTokens(string directory, string credentialFile) =>
        Directory.Exists(directory)
            ? [.. Directory.GetFiles(directory).Where(f => f != credentialFile && File.ReadAllText(f).Contains("\"refresh_token\"", StringComparison.Ordinal))]
            : [];

    private static long ParseWrote(string? line, ChildProcess writer)
    {
        line.Should().NotBeNull(writer.Describe()).And.StartWith("wrote ", writer.Describe());
        return long.Parse(line!.AsSpan("wrote ".Length), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>STORE-11's contest: a StoreWriter process holds the credential's lock, and a store in this process (on a
    /// fake clock, with a lock timeout far away) is already waiting for it.</summary>
    private sealed class LockContest : IAsyncDisposable
    {
        private readonly TempDirectory _temp = new();

        private LockContest()
        {
            Directory = _temp.Combine("store");
            Store = new FileTokenStore(new FileTokenStoreOptions { Directory = Directory, LockTimeout = TimeSpan.FromMinutes(10) }, null, Time);
            Holder = ChildProcess.StartStoreWriter("lock", Directory);
        }

        public string Directory { get; }

        public ObservableTimeProvider Time { get; } = new();

        public FileTokenStore Store { get; }

        public ChildProcess Holder { get; }

        /// <summary>The store's <see cref="FileTokenStore.LockAsync"/>, started once the holder said "locked".</summary>
        public Task<IAsyncDisposable> Waiting { get; private set; } = Task.FromResult<IAsyncDisposable>(null!);

        public static async Task<LockContest> StartAsync()
        {
            var contest = new LockContest();
            try
            {
                (await contest.Holder.ReadStandardOutputLineAsync()).Should().Be("locked", contest.Holder.Describe());
                contest.Waiting = contest.Store.LockAsync(Key).AsTask();
                return contest;
            }
            catch
            {
                await contest.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Holder.DisposeAsync();
            Store.Dispose();
            _temp.Dispose();
        }
    }
}
