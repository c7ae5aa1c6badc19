using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A provider whose loggers, of every category, all write to one shared <see cref="LogSink"/>: the message,
/// each structured value, the exception and the scopes, so leak tests can search all of it (LOG-01).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly LogSink _sink = new();

    /// <summary>Every log call of every category, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => _sink.Entries;

    /// <summary>Every log call and every scope opened, each as one line of text.</summary>
    public IReadOnlyList<string> Lines => _sink.Lines;

    /// <summary>Every message, exception, structured value and scope ever logged, joined.</summary>
    public string AllText => _sink.AllText;

    /// <summary>Completes once <paramref name="count"/> entries of the event <paramref name="eventId"/> have been logged.</summary>
    public Task CountReachedAsync(int eventId, int count) => _sink.CountReachedAsync(eventId, count);

    /// <summary>A factory that sends every category at <see cref="LogLevel.Trace"/> and above to this provider.</summary>
    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _sink);

    public void Dispose()
    {
    }
}
