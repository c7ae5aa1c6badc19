namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// Token files as <see cref="FileTokenStore"/> reads them from disk: the input is written where the store keeps a credential
/// (with a mode others can read, half the time), then read back through <c>GetAsync</c> and <c>ListAsync</c>. A corrupt file is
/// absent, never an exception; a file read under a key belongs to that key; a file others could read is tightened to 0600
/// (STORE-02, STORE-07).
/// </summary>
internal sealed class TokenFileTarget : FuzzTarget
{
    private static readonly TokenStoreKey Key = new("https://mcp.example.com/mcp", "https://auth.example.com", "fake-client-id");

    private readonly PerThread<Store> _stores = new(() => new Store());

    public override string Name => "token-file";

    public override string Description => "FileTokenStore.GetAsync / ListAsync over a file with the input's bytes";

    public override IReadOnlyList<string> Dictionary => [.. TokenRecordTarget.Keys.Select(k => $"\"{k}\":")];

    public override Gen<byte[]>? Structured => JsonGen.Object(TokenRecordTarget.Keys, TokenRecordTarget.Values);

    public override int MaxInputLength => 16 * 1024;

    public override void Run(byte[] input)
    {
        Store store = _stores.Value;
        string path = store.Tokens.PathFor(Key);
        bool open = input.Length % 2 == 1;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            file.Write(input);
        }

        if (open && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        TokenSet? tokens = Properties.Wait(store.Tokens.GetAsync(Key));
        IReadOnlyList<TokenSet> all = Properties.Wait(store.Tokens.ListAsync());

        Properties.That(tokens is null || tokens.Key == Key, "a file was read under another key");
        Properties.That(all.Count <= 1, "more credentials listed than files");
        if (tokens is not null)
        {
            TokenRecordTarget.Check(tokens);
        }

        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            Properties.That((mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0, $"the token file was left with mode {mode}");
        }
    }

    public override void Dispose()
    {
        _stores.Dispose();
        base.Dispose();
    }

    private sealed class Store : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("mcpoauth-fuzz-").FullName;

        public Store()
        {
            Tokens = new FileTokenStore(Path.Combine(_directory, "store"));
            // Owner-only, as the store requires of a directory it did not create (STORE-02).
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Tokens.Directory);
            }
            else
            {
                Directory.CreateDirectory(Tokens.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public FileTokenStore Tokens { get; }

        public void Dispose()
        {
            Tokens.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
