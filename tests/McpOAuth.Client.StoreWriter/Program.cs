using System.Globalization;
using McpOAuth.Client;
using McpOAuth.Client.Tests.RealServer;

// Usage: [--keyring [--fallback]] <mode> <store-dir> [arguments]
//   --keyring                              Use KeyringTokenStore (the OS secret service) instead of FileTokenStore;
//   --fallback                             with KeyringTokenStoreOptions.AllowPlaintextFallback set.
//   write <store-dir> <first-generation>   SetAsync generation N, N+1, ... forever; prints "ready", then "wrote N" after each write.
//   lock <store-dir>                       LockAsync on the key; prints "locked"; releases at the first stdin line (or EOF),
//                                          prints "released", then exits.
//   update <store-dir> <tag> <servers> <n> After the first stdin line, writes generations 1..n to each of <servers> entries of
//                                          its own (resource https://<tag>-<i>.example/mcp), round-robin; prints "done" (STORE-11).
//   set <store-dir> <generation>           SetAsync one generation; prints "set N".
//   get <store-dir>                        GetAsync; prints "generation N" or "absent".
//   list <store-dir>                       ListAsync; prints "listed N" and then one "generation N" line per entry.
//   remove <store-dir>                     RemoveAsync; prints "removed".
//   protection <store-dir>                 GetProtectionAsync; prints the TokenProtection name.
// A McpOAuthException prints "error <code>" and then its message on the next line, and exits with 3.
// Every line is flushed at once, so the parent knows exactly which writes completed before it kills this process.
bool keyring = args.Length > 0 && args[0] == "--keyring";
bool fallback = keyring && args.Length > 1 && args[1] == "--fallback";
args = args[((keyring ? 1 : 0) + (fallback ? 1 : 0))..];
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: [--keyring [--fallback]] write|lock|update|set|get|list|remove|protection <store-dir> ...");
    return 2;
}

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
using var disposable = (IDisposable)(keyring
    ? new KeyringTokenStore(new KeyringTokenStoreOptions { Directory = args[1], LockTimeout = TimeSpan.FromMinutes(1), AllowPlaintextFallback = fallback })
    : new FileTokenStore(new FileTokenStoreOptions { Directory = args[1], LockTimeout = TimeSpan.FromMinutes(1) }));
var store = (ITokenStore)disposable;
try
{
    return await RunAsync(store, args, stdout);
}
catch (McpOAuthException ex)
{
    await stdout.WriteLineAsync($"error {ex.Code}");
    await stdout.WriteLineAsync(ex.Message.ReplaceLineEndings(" "));
    return 3;
}

static async Task<int> RunAsync(ITokenStore store, string[] args, StreamWriter stdout)
{
    switch (args[0])
    {
        case "write" when args.Length == 3 && long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out long generation):
            await stdout.WriteLineAsync("ready");
            for (; ; generation++)
            {
                await store.SetAsync(StoreGenerations.Key, StoreGenerations.Create(generation));
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {generation}"));
            }

        case "lock":
            IAsyncDisposable held = await store.LockAsync(StoreGenerations.Key);
            await stdout.WriteLineAsync("locked");
            await Console.In.ReadLineAsync();
            await held.DisposeAsync();
            await stdout.WriteLineAsync("released");
            return 0;

        case "update" when args.Length == 5
            && int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out int servers)
            && int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out int generations):
            await stdout.WriteLineAsync("ready");
            await Console.In.ReadLineAsync();
            for (int g = 1; g <= generations; g++)
            {
                for (int i = 0; i < servers; i++)
                {
                    TokenStoreKey key = StoreGenerations.KeyFor(args[2], i);
                    await store.SetAsync(key, StoreGenerations.Create(g) with { Resource = key.Resource });
                }
            }

            await stdout.WriteLineAsync("done");
            return 0;

        case "set" when args.Length == 3 && long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out long one):
            await store.SetAsync(StoreGenerations.Key, StoreGenerations.Create(one));
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"set {one}"));
            return 0;

        case "get":
            TokenSet? read = await store.GetAsync(StoreGenerations.Key);
            await stdout.WriteLineAsync(read is null ? "absent" : Describe(read));
            return 0;

        case "list":
            IReadOnlyList<TokenSet> listed = await store.ListAsync();
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"listed {listed.Count}"));
            foreach (TokenSet entry in listed)
            {
                await stdout.WriteLineAsync(Describe(entry));
            }

            return 0;

        case "remove":
            await store.RemoveAsync(StoreGenerations.Key);
            await stdout.WriteLineAsync("removed");
            return 0;

        case "protection":
            await stdout.WriteLineAsync((await store.GetProtectionAsync(StoreGenerations.Key)).ToString());
            return 0;

        default:
            await Console.Error.WriteLineAsync($"unknown mode '{args[0]}'");
            return 2;
    }
}

static string Describe(TokenSet tokens) =>
    string.Create(CultureInfo.InvariantCulture, $"generation {StoreGenerations.GenerationOf(tokens)?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
