using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>One captured log call, with its formatted message and structured values rendered as text.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, string? Exception, IReadOnlyList<string> Values)
{
    /// <summary>Everything this entry could leak, as one string to search.</summary>
    public string AllText => string.Join('\n', [Message, Exception ?? string.Empty, .. Values]);

    /// <summary>The entry as one line: level, category, event, message, structured values and exception.</summary>
    public override string ToString() => $"{Level} {Category} [{EventId}] {Message} | {string.Join("; ", Values)} | {Exception}";
}
