using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A provider whose loggers all write to one shared list.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(e => e.AllText));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    public void Dispose()
    {
    }
}
