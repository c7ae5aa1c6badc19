namespace McpOAuth.Client.Benchmarks.Running;

/// <summary>Where results and the chart go, found from the repository root (the folder holding the solution).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the run's output folder, ignored by git: <c>artifacts/benchmarks</c>.</summary>
    public static string Artifacts => Path.Combine(Root, "artifacts", "benchmarks");

    public static string ResultsJson => Path.Combine(Artifacts, "results.json");

    public static string ResultsMarkdown => Path.Combine(Artifacts, "results.md");

    /// <summary>Gets the results of the run that <c>docs/benchmarks.md</c> reports, kept with the benchmarks.</summary>
    public static string ReferenceResults => Path.Combine(Root, "tests", "McpOAuth.Client.Benchmarks", "ReferenceResults", "results.json");

    public static string Chart => Path.Combine(Root, "docs", "benchmarks.png");

    private static string FindRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "McpOAuth.Client.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
