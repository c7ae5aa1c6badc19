namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>Where this program's own assembly is, to start it again as a server or a warm-start child.</summary>
/// <remarks>BenchmarkDotNet runs benchmarks from a copy of the assembly in a generated project, where it cannot be started
/// with <c>dotnet</c>; the first process publishes its own path in an environment variable that the copies inherit.</remarks>
internal static class HostAssembly
{
    public const string EnvironmentVariable = "MCPOAUTH_BENCHMARKS_HOST";

    public static string Path =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } published
            ? published
            : typeof(HostAssembly).Assembly.Location;

    public static void Publish()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)))
        {
            Environment.SetEnvironmentVariable(EnvironmentVariable, typeof(HostAssembly).Assembly.Location);
        }
    }
}
