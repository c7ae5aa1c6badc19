namespace McpOAuth.Client.Internal;

/// <summary>One parsed challenge of a <c>WWW-Authenticate</c> field (RFC 9110 §11.6.1).</summary>
internal sealed class AuthChallenge
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public AuthChallenge(string scheme)
    {
        Scheme = scheme;
    }

    public string Scheme { get; }

    public string? Token68 { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters => _parameters;

    public void Add(string name, string value) => _parameters.Add(new(name, value));

    /// <summary>
    /// The value of a parameter, matched case-insensitively; <see langword="null"/> when absent, or when it appears more
    /// than once with different values (ambiguous, so it is ignored rather than "last one wins").
    /// </summary>
    public string? Get(string name)
    {
        string? found = null;
        foreach (KeyValuePair<string, string> pair in _parameters)
        {
            if (!pair.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (found is not null && !string.Equals(found, pair.Value, StringComparison.Ordinal))
            {
                return null;
            }

            found = pair.Value;
        }

        return found;
    }
}
