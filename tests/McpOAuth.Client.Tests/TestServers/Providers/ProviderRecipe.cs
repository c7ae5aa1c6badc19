using System.Globalization;

namespace McpOAuth.Client.Tests.TestServers.Providers;

/// <summary>A recipe of docs/providers.md built step by step, each step as library options and as the <c>mcp-oauth login</c>
/// flags that say the same, so the two forms cannot drift apart.</summary>
internal sealed record ProviderRecipe(string Name, bool IssuesRefreshTokens)
{
    /// <summary>Gets the library options of the recipe.</summary>
    public Action<McpOAuthOptions> Options { get; private init; } = _ => { };

    /// <summary>Gets the same recipe as <c>mcp-oauth login &lt;url&gt;</c> arguments.</summary>
    public IReadOnlyList<string> Cli { get; private init; } = [];

    /// <summary>Gets the environment variable <c>--client-secret-env</c> names, with its value, for a confidential client.</summary>
    public (string Name, string Value)? SecretVariable { get; private init; }

    /// <summary>A client registered at the provider ahead of time, bound to its issuer; a confidential one reads its secret
    /// from <paramref name="secret"/>'s variable in the CLI.</summary>
    public static ProviderRecipe PreRegistered(string name, bool issuesRefreshTokens, string clientId, string issuer, (string Name, string Value)? secret = null)
    {
        var recipe = new ProviderRecipe(name, issuesRefreshTokens).With(
            o =>
            {
                o.Client.ClientId = clientId;
                o.Client.ClientSecret = secret?.Value;
            },
            ["--client-id", clientId]);
        if (secret is { } variable)
        {
            recipe = recipe.With(_ => { }, ["--client-secret-env", variable.Name]) with { SecretVariable = variable };
        }

        return recipe.With(o => o.Client.Issuer = issuer, ["--issuer", issuer]);
    }

    /// <summary>Adds library options and the CLI flags that say the same.</summary>
    public ProviderRecipe With(Action<McpOAuthOptions> options, IReadOnlyList<string> cli)
    {
        Action<McpOAuthOptions> before = Options;
        return this with
        {
            Options = o =>
            {
                before(o);
                options(o);
            },
            Cli = [.. Cli, .. cli],
        };
    }

    /// <summary>An extra authorization request parameter (<c>--auth-param name=value</c>).</summary>
    public ProviderRecipe WithAuthParam(string name, string value) =>
        With(o => o.AdditionalAuthorizationParameters[name] = value, ["--auth-param", name + "=" + value]);

    /// <summary>An extra scope to request (<c>--scope</c>).</summary>
    public ProviderRecipe WithScope(string scope) => With(o => o.Scopes.Add(scope), ["--scope", scope]);

    /// <summary>PKCE without <c>code_challenge_methods_supported</c> in the metadata (<c>--allow-missing-pkce-metadata</c>).</summary>
    public ProviderRecipe WithoutPkceMetadata() => With(o => o.RequirePkceMetadata = false, ["--allow-missing-pkce-metadata"]);

    /// <summary>A fixed loopback callback port, for a provider that matches the redirect URI exactly (<c>--callback-port</c>).</summary>
    public ProviderRecipe WithCallbackPort(int port) =>
        With(o => o.CallbackPort = port, ["--callback-port", port.ToString(CultureInfo.InvariantCulture)]);
}
