using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A logger that keeps every entry at every level, for leak tests (LOG-01).</summary>
public class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries;

    public CapturingLogger(string category = "test")
        : this(category, new ConcurrentQueue<LogEntry>())
    {
    }

    internal CapturingLogger(string category, ConcurrentQueue<LogEntry> sink)
    {
        Category = category;
        _entries = sink;
    }

    public string Category { get; }

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every message, exception and structured value ever logged, joined.</summary>
    public string AllText => string.Join('\n', _entries.Select(e => e.AllText));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new List<string>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            values.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
        }

        _entries.Enqueue(new LogEntry(Category, logLevel, eventId, formatter(state, exception), exception?.ToString(), values));
    }
}
