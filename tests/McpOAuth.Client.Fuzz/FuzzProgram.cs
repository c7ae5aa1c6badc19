using System.Globalization;
using McpOAuth.Client.Fuzz.Targets;

namespace McpOAuth.Client.Fuzz;

/// <summary>
/// <c>dotnet run --project tests/McpOAuth.Client.Fuzz -- [--budget ci|SECONDS] [--inputs N] [--target a,b] [--seed S]
/// [--threads N] [--hang-seconds N] [--list] [--libfuzzer NAME] [--replay FILE]</c>. Exit code 0: no finding; 1: a finding (printed with its shrunk input and
/// the seed that replays it); 2: bad arguments; 3: an input hung.
/// </summary>
internal static class FuzzProgram
{
    public static int Run(string[] args)
    {
        Options? options = Options.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: [--budget ci|SECONDS] [--inputs N] [--target NAME[,NAME]] [--seed SEED] [--threads N] [--hang-seconds N] [--list] [--libfuzzer NAME] [--target NAME --replay FILE]");
            return 2;
        }

        List<FuzzTarget> targets = [.. AllTargets.Create.Select(create => create())];
        if (options.List)
        {
            foreach (FuzzTarget target in targets)
            {
                Console.WriteLine($"{target.Name,-32} {target.Description}");
            }

            return 0;
        }

        if (options.Targets is { } names)
        {
            string[] unknown = [.. names.Where(n => targets.All(t => t.Name != n))];
            if (unknown.Length > 0)
            {
                Console.Error.WriteLine($"unknown target(s): {string.Join(", ", unknown)}; --list shows them");
                return 2;
            }

            targets = [.. targets.Where(t => names.Contains(t.Name))];
        }

        using var watchdog = new Watchdog(TimeSpan.FromSeconds(options.HangSeconds));
        var runner = new FuzzRunner(watchdog);
        if (options.Replay is { } file)
        {
            // One saved input (a libFuzzer crash artifact, a corpus file) under every property; the exception is the report.
            runner.RunOne(targets.Single(), File.ReadAllBytes(file));
            Console.WriteLine($"{targets.Single().Name}: {file} passes");
            return 0;
        }

        if (options.LibFuzzer)
        {
            // Coverage-guided mode under LibFuzzer/run.sh: the driver feeds inputs through shared memory; a finding is an
            // exception, which SharpFuzz reports as a crash, and libFuzzer saves the input.
            FuzzTarget only = targets.Single();
            SharpFuzz.Fuzzer.LibFuzzer.Run(span => runner.RunOne(only, span.ToArray()));
            return 0;
        }

        var settings = new RunSettings(options.Inputs, options.Seconds, options.Threads, options.Seed);
        Console.WriteLine($"McpOAuth.Client fuzz: {targets.Count} targets, {(options.Inputs > 0 ? $"{options.Inputs:N0} inputs" : $"{options.Seconds} s")} each, {options.Threads} threads, hang limit {options.HangSeconds} s");
        Console.WriteLine($"{"target",-32} {"inputs",12} {"time (s)",9} {"inputs/s",10} {"peak MiB",9}  result");
        var results = new List<FuzzResult>();
        foreach (FuzzTarget target in targets)
        {
            FuzzResult result = runner.Run(target, settings);
            results.Add(result);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Target,-32} {result.Inputs,12:N0} {result.Elapsed.TotalSeconds,9:F1} {result.InputsPerSecond,10:N0} {result.PeakBytes / 1048576.0,9:F0}  {(result.Finding is null ? "ok" : "FINDING")}"));
        }

        foreach (FuzzResult result in results.Where(r => r.Finding is not null))
        {
            Console.WriteLine();
            Console.WriteLine($"FINDING in {result.Target}:");
            Console.WriteLine(result.Finding);
        }

        long total = results.Sum(r => r.Inputs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total: {total:N0} inputs in {results.Sum(r => r.Elapsed.TotalSeconds):F1} s, {results.Count(r => r.Finding is not null)} finding(s)"));
        return results.Any(r => r.Finding is not null) ? 1 : 0;
    }

    private sealed record Options(long Inputs, int Seconds, int Threads, string? Seed, string[]? Targets, int HangSeconds, bool List, bool LibFuzzer = false, string? Replay = null)
    {
        public static Options? Parse(string[] args)
        {
            var options = new Options(-1, 1, Environment.ProcessorCount, null, null, 10, false);
            for (int i = 0; i < args.Length; i++)
            {
                string? value = i + 1 < args.Length ? args[i + 1] : null;
                Options? next = args[i] switch
                {
                    "--list" => options with { List = true },
                    "--budget" when value == "ci" => options with { Seconds = 2, Inputs = -1 },
                    "--budget" when int.TryParse(value, CultureInfo.InvariantCulture, out int s) && s > 0 => options with { Seconds = s, Inputs = -1 },
                    "--inputs" when long.TryParse(value, CultureInfo.InvariantCulture, out long n) && n > 0 => options with { Inputs = n, Seconds = -1 },
                    "--threads" when int.TryParse(value, CultureInfo.InvariantCulture, out int t) && t > 0 => options with { Threads = t },
                    "--hang-seconds" when int.TryParse(value, CultureInfo.InvariantCulture, out int h) && h > 0 => options with { HangSeconds = h },
                    "--seed" when value is not null => options with { Seed = value },
                    "--target" when value is not null => options with { Targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--libfuzzer" when value is not null => options with { Targets = [value], LibFuzzer = true },
                    "--replay" when value is not null => options with { Replay = value },
                    _ => null,
                };
                if (next is null)
                {
                    return null;
                }

                options = next;
                i += args[i] == "--list" ? 0 : 1;
            }

            return options;
        }
    }
}
