using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A logger that keeps every entry at every level, its structured values, its exception and every scope's
/// state, for leak tests (LOG-01).</summary>
public class CapturingLogger : ILogger
{
    private readonly LogSink _sink;

    public CapturingLogger(string category = "test")
        : this(category, new LogSink())
    {
    }

    internal CapturingLogger(string category, LogSink sink)
    {
        Category = category;
        _sink = sink;
    }

    public string Category { get; }

    public IReadOnlyList<LogEntry> Entries => _sink.Entries;

    /// <summary>Every message, exception, structured value and scope ever logged, joined.</summary>
    public string AllText => _sink.AllText;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        _sink.AddScope(Category, string.Join("; ", Describe(state)));
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _sink.Add(new LogEntry(Category, logLevel, eventId, formatter(state, exception), exception?.ToString(), Describe(state)));
    }

    private static List<string> Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
        ? [.. pairs.Select(p => $"{p.Key}={p.Value}")]
        : [state?.ToString() ?? string.Empty];
}
