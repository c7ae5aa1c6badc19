using System.Globalization;
using System.Text.Json.Nodes;
using McpOAuth.Client;
using McpOAuth.Client.Internal;

namespace McpOAuth.Cli;

/// <summary>How the CLI prints what it got from servers: text goes through the library's <see cref="SafeText"/>, so a
/// client id, scope, issuer or error that carries terminal escape sequences is printed as <c>\u001b...</c>, never obeyed.</summary>
internal static class CliText
{
    /// <summary>Server-provided text for a terminal: control characters escaped, cut after 256 characters.</summary>
    public static string Safe(string? value) => SafeText.Escape(value);

    /// <summary>A whole message (the library's, which may quote server text): control characters escaped, never cut.</summary>
    public static string SafeMessage(string? value) => SafeText.Escape(value, int.MaxValue);

    public static string Scopes(IReadOnlyList<string> scopes) =>
        scopes.Count == 0 ? "(none)" : string.Join(' ', scopes.Select(Safe));

    public static string Format(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "unknown";

    /// <summary>A stored login for <c>--json</c>; JSON escapes control characters itself, so values stay whole.</summary>
    public static JsonObject Describe(TokenSet tokens) => new()
    {
        ["server"] = tokens.Resource,
        ["issuer"] = tokens.Issuer,
        ["client_id"] = tokens.ClientId,
        ["scopes"] = new JsonArray([.. tokens.Scopes.Select(s => (JsonNode)JsonValue.Create(s))]),
        ["expires_at"] = tokens.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
        ["has_refresh_token"] = tokens.RefreshToken is not null,
    };

    /// <summary>Indented JSON; the default encoder escapes control characters and non-ASCII.</summary>
    public static string ToJson(JsonNode node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
