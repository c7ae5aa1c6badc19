namespace McpOAuth.Cli;

/// <summary>One parsed command line: the command and the values of its flags, bound by <see cref="CliSyntax"/>.</summary>
internal sealed class CliArguments
{
    public required string Command { get; init; }

    public Uri? ServerUri { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public string? ClientId { get; init; }

    public string? ClientSecretEnv { get; init; }

    /// <summary>Gets the issuer <see cref="ClientId"/> (and its secret) belong to, exactly as typed.</summary>
    public string? Issuer { get; init; }

    public int? CallbackPort { get; init; }

    public string? StoreDir { get; init; }

    /// <summary>Gets the <c>--store</c> value as typed (<see cref="CliStoreLocation"/> reads it), or null.</summary>
    public string? Store { get; init; }

    public bool Json { get; init; }

    public bool All { get; init; }

    public bool Verbose { get; init; }

    public bool NoBrowser { get; init; }

    public bool Device { get; init; }

    public bool NoResource { get; init; }

    public bool AllowMissingPkceMetadata { get; init; }

    public bool AllowLegacyDiscovery { get; init; }

    /// <summary>Gets the extra authorization request parameters of <c>--auth-param NAME=VALUE</c>, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AuthParameters { get; init; } = [];
}
