namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>State a target keeps per sampling thread (fake servers, listeners), disposed together at the end.</summary>
internal sealed class PerThread<T>(Func<T> create) : IDisposable
    where T : class
{
    private readonly ThreadLocal<T> _values = new(create, trackAllValues: true);

    public T Value => _values.Value!;

    public void Dispose()
    {
        foreach (T value in _values.Values)
        {
            (value as IDisposable)?.Dispose();
        }

        _values.Dispose();
    }
}
