using System.Diagnostics;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>How long or how much to fuzz.</summary>
/// <param name="Inputs">Inputs per target (generated or mutated), or -1 when <paramref name="Seconds"/> decides.</param>
/// <param name="Seconds">Seconds per target, or -1 when <paramref name="Inputs"/> decides.</param>
/// <param name="Threads">Sampling threads.</param>
/// <param name="Seed">A CsCheck seed that replays a finding, or null for a fresh one.</param>
internal sealed record RunSettings(long Inputs, int Seconds, int Threads, string? Seed);

/// <summary>What one target's run did.</summary>
internal sealed record FuzzResult(string Target, long Inputs, TimeSpan Elapsed, long PeakBytes, string? Finding)
{
    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>Runs a target: its seeds first, as they are, then CsCheck's sampling with shrinking, each input watched.</summary>
internal sealed class FuzzRunner(Watchdog watchdog)
{
    [ThreadStatic]
    private static HashSet<FuzzTarget>? t_warm;

    public FuzzResult Run(FuzzTarget target, RunSettings settings)
    {
        IReadOnlyList<byte[]> seeds = Corpus.Load(target.Name);
        PeakMemory.Reset();
        var clock = Stopwatch.StartNew();
        long count = 0;
        string? finding = null;
        try
        {
            for (int i = 0; i < seeds.Count && finding is null; i++)
            {
                finding = RunSeed(target, seeds[i], i);
                count++;
            }

            if (finding is null)
            {
                Mutator.For(target, seeds).Sample(
                    input =>
                    {
                        RunOne(target, input);
                        Interlocked.Increment(ref count);
                    },
                    writeLine: null,
                    seed: settings.Seed,
                    iter: settings.Inputs,
                    time: settings.Seconds,
                    threads: settings.Threads,
                    print: Printer.Print);
            }
        }
        catch (CsCheckException ex)
        {
            finding = $"{ex.Message}\n{ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}\n{ex.InnerException?.StackTrace}";
        }
        finally
        {
            target.Dispose();
        }

        return new FuzzResult(target.Name, count, clock.Elapsed, PeakMemory.Bytes(), finding);
    }

    private string? RunSeed(FuzzTarget target, byte[] seed, int index)
    {
        try
        {
            RunOne(target, seed);
            return null;
        }
        catch (Exception ex)
        {
            return $"seed {index} of Corpus/{target.Name} fails: {ex}\n{Printer.Print(seed)}";
        }
    }

    /// <summary>One input under every property: the watchdog, the target's checks and the allocation budget.</summary>
    public void RunOne(FuzzTarget target, byte[] input)
    {
        watchdog.Enter(target.Name, input);
        try
        {
            // The first input on a thread creates its fake server or listener: not counted against the allocation budget.
            t_warm ??= [];
            bool measure = target.MeasuresAllocation && !t_warm.Add(target);
            long before = GC.GetAllocatedBytesForCurrentThread();
            target.Run(input);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long budget = target.AllocationBudget(input);
            if (measure && allocated > budget)
            {
                throw new FuzzFailure($"one input allocated {allocated:N0} bytes; the budget for it is {budget:N0}");
            }
        }
        finally
        {
            watchdog.Exit();
        }
    }
}
