using System.Collections.Concurrent;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>What a <see cref="CapturingLogger"/> (or every logger of one <see cref="CapturingLoggerProvider"/>) has seen:
/// each log call, and each scope's state as it was opened.</summary>
public sealed class LogSink
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(int EventId, int Count, TaskCompletionSource Reached)> _waits = [];

    /// <summary>Every log call, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every log call and every scope opened, each as one line of text, in order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Every message, exception, structured value and scope ever logged, joined: what a leak test searches.</summary>
    public string AllText => string.Join('\n', _lines);

    /// <summary>Completes once <paramref name="count"/> entries of the event <paramref name="eventId"/> have been logged: a test
    /// waits on what the code under test has done, not on time.</summary>
    public Task CountReachedAsync(int eventId, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            _waits.Add((eventId, count, reached));
        }

        SignalWaits();
        return reached.Task;
    }

    internal void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        _lines.Enqueue(entry.ToString());
        SignalWaits();
    }

    private void SignalWaits()
    {
        lock (_waits)
        {
            foreach (var wait in _waits.Where(w => _entries.Count(e => e.EventId.Id == w.EventId) >= w.Count).ToList())
            {
                wait.Reached.TrySetResult();
                _waits.Remove(wait);
            }
        }
    }

    internal void AddScope(string category, string state) => _lines.Enqueue($"{category} scope: {state}");
}
