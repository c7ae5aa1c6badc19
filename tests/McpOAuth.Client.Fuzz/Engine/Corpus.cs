namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>The seed corpus: <c>Corpus/&lt;target&gt;/*</c>, real-shaped inputs with obviously fake secrets.</summary>
internal static class Corpus
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static IReadOnlyList<byte[]> Load(string target)
    {
        string directory = Path.Combine(Root, target);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
    }
}
