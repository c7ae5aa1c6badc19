using System.Globalization;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary><c>--serve [token-lifetime-seconds]</c>: runs <see cref="LoopbackServers"/> in this process until standard input
/// closes, so that a benchmark process measures only its client's allocations.</summary>
internal static class ServerHost
{
    public const string ReadyPrefix = "READY ";

    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3600;
        await using var servers = await LoopbackServers.StartAsync(TimeSpan.FromSeconds(seconds));
        await Console.Out.WriteLineAsync(ReadyPrefix + servers.McpUri.AbsoluteUri + " " + servers.Authorization.Issuer);
        await Console.Out.FlushAsync();

        // The parent closes our standard input (or dies) when it is done with us.
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
