using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Internal;

/// <summary>Hands the inner <see cref="FileTokenStore"/>'s warnings (a token file ignored or narrowed) to the keyring store's logger.</summary>
internal sealed class ForwardingLogger<T>(ILogger inner) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
