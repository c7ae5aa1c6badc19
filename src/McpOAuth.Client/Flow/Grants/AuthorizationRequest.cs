using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2) and its <c>state</c>.</summary>
internal static class AuthorizationRequest
{
    private static readonly string[] ReservedParameters =
    [
        OAuthWireNames.ResponseType, OAuthWireNames.ClientId, OAuthWireNames.RedirectUri, OAuthWireNames.State,
        OAuthWireNames.CodeChallenge, OAuthWireNames.CodeChallengeMethod, OAuthWireNames.Resource, OAuthWireNames.Scope,
    ];

    /// <summary>256 bits from the system's cryptographic generator.</summary>
    public static string NewState()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    /// <summary>The URL the browser opens; an endpoint's own query is kept, but never one of our parameters (AUTHZ-03).</summary>
    public static Uri Build(
        string endpoint,
        ClientRegistration client,
        Uri redirectUri,
        string state,
        PkcePair pkce,
        IReadOnlyList<string> scopes,
        string? resource)
    {
        var builder = new StringBuilder(endpoint);
        int queryStart = endpoint.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            foreach (string pair in endpoint[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string name = Uri.UnescapeDataString(pair.Split('=')[0]);
                if (ReservedParameters.Contains(name, StringComparer.Ordinal))
                {
                    throw new McpOAuthException(
                        McpOAuthErrorCode.InsecureEndpoint,
                        $"The authorization endpoint already carries the '{SafeText.Escape(name)}' parameter; it was refused.");
                }
            }
        }

        char separator = queryStart >= 0 ? (endpoint.EndsWith('?') || endpoint.EndsWith('&') ? '\0' : '&') : '?';
        void Add(string name, string value)
        {
            if (separator != '\0')
            {
                builder.Append(separator);
            }

            separator = '&';
            builder.Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add(OAuthWireNames.ResponseType, OAuthWireNames.Code);
        Add(OAuthWireNames.ClientId, client.ClientId);
        Add(OAuthWireNames.RedirectUri, redirectUri.OriginalString);
        Add(OAuthWireNames.State, state);
        Add(OAuthWireNames.CodeChallenge, pkce.Challenge);
        Add(OAuthWireNames.CodeChallengeMethod, OAuthWireNames.S256);
        if (scopes.Count > 0)
        {
            Add(OAuthWireNames.Scope, string.Join(' ', scopes));
        }

        if (resource is not null)
        {
            Add(OAuthWireNames.Resource, resource);
        }

        return new Uri(builder.ToString());
    }
}
