using System.Collections.Concurrent;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>What a <see cref="CapturingLogger"/> (or every logger of one <see cref="CapturingLoggerProvider"/>) has seen:
/// each log call, and each scope's state as it was opened.</summary>
public sealed class LogSink
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every log call, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every log call and every scope opened, each as one line of text, in order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Every message, exception, structured value and scope ever logged, joined: what a leak test searches.</summary>
    public string AllText => string.Join('\n', _lines);

    internal void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        _lines.Enqueue(entry.ToString());
    }

    internal void AddScope(string category, string state) => _lines.Enqueue($"{category} scope: {state}");
}
