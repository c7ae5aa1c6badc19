namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>A property violation found by a target (as opposed to an unexpected exception, which is also a finding).</summary>
internal sealed class FuzzFailure : Exception
{
    public FuzzFailure(string message)
        : base(message)
    {
    }

    public FuzzFailure(string message, Exception inner)
        : base(message, inner)
    {
    }

    public FuzzFailure()
    {
    }
}
