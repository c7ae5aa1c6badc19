using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>
/// <c>--first-use-jit [CLIENT ...]</c>: where a fresh process's first use goes, by what the JIT compiled. One first-use child
/// per client runs with the runtime's own JIT listing (<c>DOTNET_JitStdOutFile</c>, <c>DOTNET_JitDisasmSummary</c>, available
/// in release runtimes), and the methods are counted by the namespace of their declaring type; generic BCL methods
/// instantiated over a library's types are charged to that library.
/// </summary>
internal static partial class FirstUseJit
{
    public static async Task<int> RunAsync(string[] clients)
    {
        if (clients.Length == 0)
        {
            clients = ["sdk-listener", "ours"];
        }

        await using var server = await ServerProcess.StartAsync(TimeSpan.FromHours(1));
        var tallies = new List<(string Client, Dictionary<string, (int First, int Rejit, int IlBytes)> ByOwner, List<string> Methods)>();
        foreach (string client in clients)
        {
            string listing = Path.Combine(Path.GetTempPath(), $"mcpoauth-jit-{client}-{Guid.NewGuid():N}.txt");
            try
            {
                var environment = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["DOTNET_JitStdOutFile"] = listing,
                    ["DOTNET_JitDisasmSummary"] = "1",
                };
                await FirstUseScenario.RunChildAsync(client, server.McpUri, environment);
                string[] lines = await File.ReadAllLinesAsync(listing);
                tallies.Add((client, Tally(lines), [.. lines]));
            }
            finally
            {
                File.Delete(listing);
            }
        }

        Console.WriteLine(ToMarkdown(tallies.Select(t => (t.Client, t.ByOwner)).ToList()));
        foreach ((string client, _, List<string> methods) in tallies)
        {
            Console.WriteLine($"Types with the most first compiles, {client} (McpOAuth.Client and Polly):");
            foreach (var type in methods.Select(Parse).Where(m => m is { Rejit: false } && (m.Owner.StartsWith("McpOAuth.Client", StringComparison.Ordinal) || m.Owner.StartsWith("Polly", StringComparison.Ordinal)))
                .GroupBy(m => m!.Type).OrderByDescending(g => g.Count()).Take(30))
            {
                Console.WriteLine($"  {type.Count(),4}  {type.Key}");
            }
        }

        return 0;
    }

    private static Dictionary<string, (int First, int Rejit, int IlBytes)> Tally(IEnumerable<string> lines)
    {
        var byOwner = new Dictionary<string, (int First, int Rejit, int IlBytes)>(StringComparer.Ordinal);
        foreach (JitLine? method in lines.Select(Parse))
        {
            if (method is null)
            {
                continue;
            }

            (int first, int rejit, int il) = byOwner.GetValueOrDefault(method.Owner);
            byOwner[method.Owner] = method.Rejit ? (first, rejit + 1, il) : (first + 1, rejit, il + method.IlBytes);
        }

        return byOwner;
    }

    private static string ToMarkdown(List<(string Client, Dictionary<string, (int First, int Rejit, int IlBytes)> ByOwner)> tallies)
    {
        var md = new StringBuilder();
        md.Append("| Owner (declaring namespace) |");
        foreach ((string client, _) in tallies)
        {
            md.Append(' ').Append(client).Append(": compiled (IL bytes) |");
        }

        md.AppendLine().Append("|---|").AppendLine(string.Concat(tallies.Select(_ => "---:|")));
        IEnumerable<string> owners = tallies.SelectMany(t => t.ByOwner)
            .GroupBy(p => p.Key).OrderByDescending(g => g.Max(p => p.Value.First)).Select(g => g.Key).Take(25);
        foreach (string owner in owners)
        {
            md.Append("| ").Append(owner).Append(" |");
            foreach ((_, Dictionary<string, (int First, int Rejit, int IlBytes)> byOwner) in tallies)
            {
                (int first, _, int il) = byOwner.GetValueOrDefault(owner);
                md.Append(' ').Append(first.ToString(CultureInfo.InvariantCulture)).Append(" (").Append(il.ToString(CultureInfo.InvariantCulture)).Append(") |");
            }

            md.AppendLine();
        }

        md.Append("| **all** |");
        foreach ((_, Dictionary<string, (int First, int Rejit, int IlBytes)> byOwner) in tallies)
        {
            md.Append(" **").Append(byOwner.Values.Sum(v => v.First).ToString(CultureInfo.InvariantCulture)).Append("** (")
                .Append(byOwner.Values.Sum(v => v.IlBytes).ToString(CultureInfo.InvariantCulture)).Append("), ")
                .Append(byOwner.Values.Sum(v => v.Rejit).ToString(CultureInfo.InvariantCulture)).Append(" rejit |");
        }

        return md.AppendLine().ToString();
    }

    private static JitLine? Parse(string line)
    {
        Match match = JitListing().Match(line);
        if (!match.Success)
        {
            return null;
        }

        string method = match.Groups["method"].Value;
        int colon = method.IndexOf(':', StringComparison.Ordinal);
        string type = colon < 0 ? method : method[..colon];
        string tier = match.Groups["tier"].Value;
        string owner = OwnerOf(type);
        if (!IsLibrary(owner))
        {
            // A BCL generic instantiated over a library's type is that library's cost.
            string? over = new[] { "McpOAuth.Client.Benchmarks", "McpOAuth.Client", "Polly", "ModelContextProtocol" }
                .FirstOrDefault(p => method.Contains(p + ".", StringComparison.Ordinal));
            owner = over is null ? owner : OwnerOf(over + ".X") + " (BCL generics)";
        }

        return new JitLine(type, owner, tier.Contains("Tier1", StringComparison.Ordinal) || tier.Contains("Instrumented", StringComparison.Ordinal),
            int.Parse(match.Groups["il"].Value, CultureInfo.InvariantCulture));
    }

    private static bool IsLibrary(string owner) =>
        owner.StartsWith("McpOAuth.Client", StringComparison.Ordinal) || owner is "Polly" or "ModelContextProtocol";

    private static string OwnerOf(string type)
    {
        string name = type.Split('[', '`', '+')[0];
        string[] parts = name.Split('.');
        string ns = string.Join('.', parts[..^1]);
        return ns switch
        {
            _ when ns.StartsWith("McpOAuth.Client.Benchmarks", StringComparison.Ordinal) => "harness",
            _ when ns.StartsWith("McpOAuth.Client", StringComparison.Ordinal) => "McpOAuth.Client",
            _ when ns.StartsWith("Polly", StringComparison.Ordinal) => "Polly",
            _ when ns.StartsWith("ModelContextProtocol", StringComparison.Ordinal) => "ModelContextProtocol",
            _ when ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal)
                => string.Join('.', parts[..Math.Min(3, parts.Length - 1)]),
            "" => "(global: " + name + ")",
            _ => ns,
        };
    }

    [GeneratedRegex(@"JIT compiled (?<method>.+) \[(?<tier>[^,\]]+), IL size=(?<il>\d+)")]
    private static partial Regex JitListing();

    private sealed record JitLine(string Type, string Owner, bool Rejit, int IlBytes);
}
