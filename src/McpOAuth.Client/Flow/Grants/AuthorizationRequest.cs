using System.Security.Cryptography;
using System.Text;

namespace McpOAuth.Client.Internal;

/// <summary>The authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2) and its <c>state</c>.</summary>
internal static class AuthorizationRequest
{
    private const string Prompt = "prompt";
    private const string Consent = "consent";

    /// <summary>256 bits from the system's cryptographic generator.</summary>
    public static string NewState()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    /// <summary>The URL the browser opens; an endpoint's own query is kept, but never one of our parameters (AUTHZ-03).</summary>
    /// <param name="endpoint">The authorization endpoint, exactly as the metadata names it.</param>
    /// <param name="client">The client.</param>
    /// <param name="redirectUri">The loopback redirect URI.</param>
    /// <param name="state">The request's <c>state</c>.</param>
    /// <param name="pkce">The PKCE pair; only its challenge is sent.</param>
    /// <param name="scopes">The <c>scope</c>; with <c>offline_access</c> in it, <c>prompt=consent</c> is added (OIDC Core §11)
    /// unless a <c>prompt</c> is given.</param>
    /// <param name="resource">The RFC 8707 <c>resource</c>, or null.</param>
    /// <param name="additional">The configured extra parameters (validated: none of ours).</param>
    public static Uri Build(
        string endpoint,
        ClientRegistration client,
        Uri redirectUri,
        string state,
        PkcePair pkce,
        IReadOnlyList<string> scopes,
        string? resource,
        IEnumerable<KeyValuePair<string, string>> additional)
    {
        var builder = new StringBuilder(endpoint);
        int queryStart = endpoint.IndexOf('?', StringComparison.Ordinal);
        bool promptGiven = additional.Any(p => p.Key == Prompt);
        if (queryStart >= 0)
        {
            foreach (string pair in endpoint[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string name = Uri.UnescapeDataString(pair.Split('=')[0]);
                if (AuthorizationParameterRules.ProtocolParameters.Contains(name, StringComparer.Ordinal))
                {
                    throw new McpOAuthException(
                        McpOAuthErrorCode.InsecureEndpoint,
                        $"The authorization endpoint already carries the '{SafeText.Escape(name)}' parameter; it was refused.");
                }

                promptGiven |= name == Prompt;
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

        // OIDC Core §11: providers that follow it drop offline_access (no refresh token) unless consent is asked for.
        if (!promptGiven && scopes.Contains(OAuthWireNames.OfflineAccess, StringComparer.Ordinal))
        {
            Add(Prompt, Consent);
        }

        foreach (KeyValuePair<string, string> parameter in additional)
        {
            if (AuthorizationParameterRules.IsReserved(parameter.Key))
            {
                throw new McpOAuthException(
                    McpOAuthErrorCode.InsecureEndpoint,
                    $"The additional authorization parameter '{SafeText.Escape(parameter.Key)}' is set by the protocol; it was refused.");
            }

            Add(Uri.EscapeDataString(parameter.Key), parameter.Value);
        }

        return new Uri(builder.ToString());
    }
}
