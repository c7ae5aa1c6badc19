namespace McpOAuth.Client.Internal;

/// <summary>The options names <c>AddWebApp</c> was called for, so the middleware and the callback know which exist.</summary>
internal sealed class WebAppNames : HashSet<string>
{
    public WebAppNames()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The name whose settings apply: the one given, else the only one, else the default name.</summary>
    public string Choose(string? requested, string caller)
    {
        if (requested is not null)
        {
            return Contains(requested)
                ? requested
                : throw new InvalidOperationException($"{caller}: AddWebApp was not called for the options name '{requested}'.");
        }

        if (Count == 1)
        {
            return this.First();
        }

        return Count == 0
            ? throw new InvalidOperationException($"{caller}: call services.AddMcpOAuth(...).AddWebApp(...) first.")
            : Contains(Microsoft.Extensions.Options.Options.DefaultName)
                ? Microsoft.Extensions.Options.Options.DefaultName
                : throw new InvalidOperationException($"{caller}: AddWebApp was called for several options names; pass the one to use.");
    }
}
