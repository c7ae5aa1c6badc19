using System.Globalization;
using McpOAuth.Client;
using McpOAuth.Client.Tests.RealServer;

// Usage:
//   write <store-dir> <first-generation>   SetAsync generation N, N+1, ... forever; prints "ready", then "wrote N" after each write.
//   lock <store-dir>                       LockAsync on the key; prints "locked"; releases at the first stdin line (or EOF),
//                                          prints "released", then exits.
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

    default:
        await Console.Error.WriteLineAsync($"unknown mode '{args[0]}'");
        return 2;
}
