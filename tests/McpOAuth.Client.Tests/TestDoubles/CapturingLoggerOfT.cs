using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A typed <see cref="CapturingLogger"/>.</summary>
public sealed class CapturingLogger<T> : CapturingLogger, ILogger<T>
{
    public CapturingLogger()
        : base(typeof(T).FullName ?? typeof(T).Name)
    {
    }
}
