namespace McpOAuth.Client;

/// <summary>Whose tokens a request uses: the partition (a user, a tenant, an agent) of a hosted application that acts for many.</summary>
/// <remarks>
/// <para>Every credential belongs to one partition, and the provider never attaches one partition's token to another's
/// request. An application with one user never sets a partition: everything is in <see cref="TokenSet.DefaultPartition"/>.</para>
/// <para>A hosted application enters the user's partition for the duration of the work it does for that user
/// (<see cref="Enter"/>, which flows with <c>async</c> calls, including the requests an MCP client sends inside it). The
/// ASP.NET Core package does this for every request from the signed-in user.</para>
/// </remarks>
public static class McpOAuthPartition
{
    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>Gets the partition of the current asynchronous flow.</summary>
    /// <value><see cref="TokenSet.DefaultPartition"/> unless <see cref="Enter"/> set another.</value>
    public static string Current => Ambient.Value ?? TokenSet.DefaultPartition;

    /// <summary>Makes <paramref name="partition"/> the partition of the current asynchronous flow until the result is disposed.</summary>
    /// <param name="partition">The partition, for example the signed-in user's subject.</param>
    /// <returns>A scope that restores the previous partition when disposed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="partition"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="partition"/> is longer than 256 characters or has control characters.</exception>
    public static IDisposable Enter(string partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (partition.Length > 256 || partition.Any(char.IsControl))
        {
            throw new ArgumentException("A partition is at most 256 characters, without control characters.", nameof(partition));
        }

        string? previous = Ambient.Value;
        Ambient.Value = partition;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Ambient.Value = previous;
            }
        }
    }
}
