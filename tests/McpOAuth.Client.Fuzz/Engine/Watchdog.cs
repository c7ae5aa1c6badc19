using System.Collections.Concurrent;
using System.Diagnostics;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>
/// Bounds every input in time: a background thread looks at the input each sampling thread is running, and one that runs
/// longer than the limit is a hang. A hung thread cannot be stopped, so the input is printed and the process exits.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    public const int HangExitCode = 3;

    private readonly ConcurrentDictionary<int, (long Started, string Target, byte[] Input)> _running = new();
    private readonly TimeSpan _limit;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();

    public Watchdog(TimeSpan limit)
    {
        _limit = limit;
        _thread = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
        _thread.Start();
    }

    public void Enter(string target, byte[] input) =>
        _running[Environment.CurrentManagedThreadId] = (Stopwatch.GetTimestamp(), target, input);

    public void Exit() => _running.TryRemove(Environment.CurrentManagedThreadId, out _);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Watch()
    {
        while (!_stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250)))
        {
            foreach ((long started, string target, byte[] input) in _running.Values)
            {
                if (Stopwatch.GetElapsedTime(started) > _limit)
                {
                    Console.Error.WriteLine($"FINDING (hang): {target} ran one input for more than {_limit.TotalSeconds} s: {Printer.Print(input)}");
                    Console.Error.Flush();
                    Environment.Exit(HangExitCode);
                }
            }
        }
    }
}
