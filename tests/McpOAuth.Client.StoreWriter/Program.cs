using System.Globalization;
using McpOAuth.Client;
using McpOAuth.Client.Tests.RealServer;

// Usage:
//   write <store-dir> <first-generation>   SetAsync generation N, N+1, ... forever; prints "ready", then "wrote N" after each write.
//   lock <store-dir>                       LockAsync on the key; prints "locked"; releases at the first stdin line (or EOF),
//                                          prints "released", then exits.
//   update <store-dir> <tag> <servers> <n> After the first stdin line, writes generations 1..n to each of <servers> entries of
//                                          its own (resource https://<tag>-<i>.example/mcp), round-robin; prints "done" (STORE-11).
// Every line is flushed at once, so the parent knows exactly which writes completed before it kills this process.
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: write <store-dir> <first-generation> | lock <store-dir>");
    return 2;
}

var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
using var store = new FileTokenStore(new FileTokenStoreOptions { Directory = args[1], LockTimeout = TimeSpan.FromMinutes(1) });
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

    default:
        await Console.Error.WriteLineAsync($"unknown mode '{args[0]}'");
        return 2;
}
