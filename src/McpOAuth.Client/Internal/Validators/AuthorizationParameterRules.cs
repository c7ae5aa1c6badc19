using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>What <see cref="McpOAuthOptions.AdditionalAuthorizationParameters"/> may hold: never a parameter the protocol sets, nor
/// one that could replace them, and nothing that could break the request line.</summary>
internal static class AuthorizationParameterRules
{
    private const int MaxParameters = 32;
    private const int MaxNameLength = 128;
    private const int MaxValueLength = 2048;
    private const string OptionName = nameof(McpOAuthOptions.AdditionalAuthorizationParameters);

    /// <summary>The parameters the authorization request sets itself (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2).</summary>
    public static readonly string[] ProtocolParameters =
    [
        OAuthWireNames.ResponseType, OAuthWireNames.ClientId, OAuthWireNames.RedirectUri, OAuthWireNames.State,
        OAuthWireNames.CodeChallenge, OAuthWireNames.CodeChallengeMethod, OAuthWireNames.Resource, OAuthWireNames.Scope,
    ];

    /// <summary>Parameters that would replace the protocol's: a request object (RFC 9101 §6.3: its values win) and a response
    /// mode the loopback redirect cannot read (it reads the query only).</summary>
    private static readonly string[] ReplacingParameters = ["request", "request_uri", "response_mode"];

    /// <summary>Whether a name is one the client must set itself, whatever its case (servers differ in how they compare).</summary>
    public static bool IsReserved(string name) =>
        ProtocolParameters.Contains(name, StringComparer.OrdinalIgnoreCase) || ReplacingParameters.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static void Validate(ValidateOptionsResultBuilder builder, IDictionary<string, string> parameters)
    {
        if (parameters.Count > MaxParameters)
        {
            builder.AddError($"may hold at most {MaxParameters} parameters.", OptionName);
        }

        foreach (KeyValuePair<string, string> parameter in parameters)
        {
            string name = parameter.Key;
            if (name.Length is 0 or > MaxNameLength || name.Any(c => c is <= ' ' or >= '\u007f'))
            {
                builder.AddError($"parameter names must be 1 to {MaxNameLength} visible ASCII characters.", OptionName);
            }
            else if (IsReserved(name))
            {
                builder.AddError(
                    $"'{SafeText.Escape(name)}' is set by the protocol and cannot be overridden: use Scopes (mcp-oauth: --scope) for scopes and SendResourceParameter (--no-resource) for resource.",
                    OptionName);
            }
            else if (parameter.Value is null || parameter.Value.Length > MaxValueLength || parameter.Value.Any(char.IsControl))
            {
                builder.AddError($"the value of '{SafeText.Escape(name)}' must be at most {MaxValueLength} characters without control characters.", OptionName);
            }
        }
    }
}
