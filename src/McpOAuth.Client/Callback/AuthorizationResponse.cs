using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The parameters of an authorization response (RFC 6749 §4.1.2, RFC 9207 §2), read once for every receiver: the
/// loopback listener and a hosted application's callback endpoint.</summary>
internal sealed class AuthorizationResponse
{
    private readonly Dictionary<string, List<string>> _parameters;

    private AuthorizationResponse(Dictionary<string, List<string>> parameters)
    {
        _parameters = parameters;
    }

    /// <summary>Whether any parameter appears more than once (ambiguous, so the whole response is refused).</summary>
    public bool HasRepeatedParameter => _parameters.Values.Any(values => values.Count > 1);

    /// <summary>Whether the response carries tokens in the front channel, which the code flow never asks for.</summary>
    public bool CarriesTokens =>
        _parameters.ContainsKey(OAuthWireNames.AccessToken) || _parameters.ContainsKey("id_token") || _parameters.ContainsKey(OAuthWireNames.Token);

    public string? State => Get(OAuthWireNames.State);

    public string? Issuer => Get(OAuthWireNames.Iss);

    public string? Code => Get(OAuthWireNames.Code);

    public string? Error => Get(OAuthWireNames.Error);

    public string? ErrorDescription => Get(OAuthWireNames.ErrorDescription);

    public string? ErrorUri => Get(OAuthWireNames.ErrorUri);

    /// <summary>Parses a query string (without the leading <c>?</c>), form-decoding names and values.</summary>
    public static AuthorizationResponse Parse(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = Decode(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out List<string>? values))
            {
                values = [];
                result[name] = values;
            }

            values.Add(value);
        }

        return new AuthorizationResponse(result);

        static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    /// <summary>Compares a received <c>state</c> with the expected one in constant time.</summary>
    public static bool StateMatches(string? received, string expected) =>
        received is not null
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(received), Encoding.UTF8.GetBytes(expected));

    /// <summary>The error an authorization server returned, as the exception a sign-in ends with.</summary>
    public McpOAuthAuthorizationException DeniedError() => new(
        McpOAuthErrorCode.AuthorizationDenied,
        ErrorDescription is null
            ? $"The authorization server returned '{SafeText.Escape(Error)}'."
            : $"The authorization server returned '{SafeText.Escape(Error)}': {SafeText.Escape(ErrorDescription)}")
    {
        Error = Error,
        ErrorDescription = ErrorDescription,
        ErrorUri = ErrorUri,
    };

    private string? Get(string name) => _parameters.TryGetValue(name, out List<string>? values) ? values[0] : null;
}
