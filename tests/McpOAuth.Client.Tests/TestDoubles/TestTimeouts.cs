namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>Hang guards only: never a timing assertion.</summary>
public static class TestTimeouts
{
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(30);
}
