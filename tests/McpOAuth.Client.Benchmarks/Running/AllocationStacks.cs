using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>
/// <c>--alloc-stacks TRACE.nettrace OPERATIONS [TOP]</c>: attributes the allocations of a <c>dotnet-trace</c> recording
/// (<c>--profile gc-verbose</c>) to their owner. Each <c>GCAllocationTick</c> sample (about one per 100 KB) is charged to the
/// innermost frame of its stack that belongs to McpOAuth.Client, the MCP SDK, Polly or this harness, and reported per
/// operation with the allocating method.
/// </summary>
internal static class AllocationStacks
{
    private static readonly (string Prefix, string Owner)[] Owners =
    [
        ("McpOAuth.Client.Benchmarks", "harness"),
        ("McpOAuth.Client", "McpOAuth.Client"),
        ("ModelContextProtocol", "MCP SDK"),
        ("Polly", "Polly (used by McpOAuth.Client)"),
    ];

    public static int Run(string[] args)
    {
        string trace = args[0];
        int operations = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        int top = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 25;
        string etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        using var log = new TraceLog(etlx);
        var byOwner = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        foreach (var data in log.Events)
        {
            if (data is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            long amount = tick.AllocationAmount64;
            total += amount;
            string owner = "runtime and BCL only";
            string site = tick.TypeName;
            for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
            {
                string method = frame.CodeAddress.FullMethodName ?? string.Empty;
                string module = frame.CodeAddress.ModuleName ?? string.Empty;
                var match = Owners.FirstOrDefault(o => method.StartsWith(o.Prefix, StringComparison.Ordinal) || module.StartsWith(o.Prefix, StringComparison.Ordinal));
                if (match.Owner is not null)
                {
                    owner = match.Owner;
                    int paren = method.IndexOf('(', StringComparison.Ordinal);
                    site = tick.TypeName + " <- " + (paren > 0 ? method[..paren] : method);
                    break;
                }
            }

            byOwner[owner] = byOwner.GetValueOrDefault(owner) + amount;
            string key = owner + " | " + site;
            bySite[key] = bySite.GetValueOrDefault(key) + amount;
        }

        Console.WriteLine($"Sampled {total / 1024.0 / operations:F1} KB per operation over {operations} operations, by owner:");
        foreach (var (owner, bytes) in byOwner.OrderByDescending(p => p.Value))
        {
            Console.WriteLine($"  {bytes / 1024.0 / operations,8:F1} KB  {owner}");
        }

        Console.WriteLine();
        Console.WriteLine($"Top {top} allocation sites (KB per operation | owner | type <- innermost owned method):");
        foreach (var (site, bytes) in bySite.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"  {bytes / 1024.0 / operations,8:F1} KB  {site}");
        }

        File.Delete(etlx);
        return 0;
    }
}
