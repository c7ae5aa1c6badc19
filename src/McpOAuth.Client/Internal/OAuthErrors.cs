using System.Text.RegularExpressions;

namespace McpOAuth.Client.Internal;

/// <summary>The one translation of an OAuth error answer into an <see cref="McpOAuthException"/> (RFC 6749 §5.2, RFC 8628
/// §3.5, RFC 7009 §2.2.1), with anything the request carried that a server might echo back redacted (LOG-02).</summary>
internal static partial class OAuthErrors
{
    private const string Redacted = "[redacted]";

    private static readonly string[] SecretFields =
    [
        OAuthWireNames.Code, OAuthWireNames.CodeVerifier, OAuthWireNames.RefreshToken, OAuthWireNames.ClientSecret,
        OAuthWireNames.ClientAssertion, OAuthWireNames.Assertion, OAuthWireNames.DeviceCode, OAuthWireNames.SubjectToken,
        OAuthWireNames.Token,
    ];

    /// <summary>An exception for an error answer: <c>invalid_grant</c> and <c>invalid_client</c> get their own codes, anything
    /// else <paramref name="fallback"/>.</summary>
    public static McpOAuthException FromResponse(
        BackchannelResponse response,
        OAuthErrorResponse? body,
        McpOAuthErrorCode fallback,
        string what,
        IReadOnlyList<KeyValuePair<string, string>> sent,
        string? headerSecret)
    {
        string? error = body?.Error;
        McpOAuthErrorCode code = error switch
        {
            OAuthWireNames.InvalidGrant => McpOAuthErrorCode.InvalidGrant,
            // unauthorized_client is a grant-policy refusal, not a forgotten client: nothing is deleted for it.
            OAuthWireNames.InvalidClient => McpOAuthErrorCode.InvalidClient,
            _ => fallback,
        };

        string? description = Redact(body?.ErrorDescription, sent, headerSecret);
        return new McpOAuthException(
            code,
            $"The {what} failed with HTTP {(int)response.StatusCode} {Safe(error, sent, headerSecret)}: {Safe(description, sent, headerSecret)}")
        {
            // The error code is logged when a refresh fails, and every member may be shown: none keeps an echoed secret.
            Error = Redact(error, sent, headerSecret),
            ErrorDescription = description,
            ErrorUri = Redact(body?.ErrorUri, sent, headerSecret),
        };
    }

    /// <summary>Server text for a message: redacted, escaped, and redacted again, because escaping can rebuild a secret
    /// ("\u007f" + "ake-secret" escapes to "\u007fake-secret"; found by the fuzzer, issue 10).</summary>
    public static string Safe(string? text, IReadOnlyList<KeyValuePair<string, string>> sent, string? headerSecret) =>
        Redact(SafeText.Escape(Redact(text, sent, headerSecret)), sent, headerSecret)!;

    public static string? Redact(string? text, IReadOnlyList<KeyValuePair<string, string>> sent, string? headerSecret)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // A client_secret_basic secret travels in the Authorization header, not the form.
        if (headerSecret is { Length: >= 6 })
        {
            text = text.Replace(headerSecret, Redacted, StringComparison.Ordinal);
            text = text.Replace(FormUrlEncoding.Encode(headerSecret), Redacted, StringComparison.Ordinal);
            text = RedactBase64(text, headerSecret);
        }

        foreach (KeyValuePair<string, string> field in sent)
        {
            if (field.Value.Length >= 6 && SecretFields.Contains(field.Key, StringComparer.Ordinal))
            {
                text = text.Replace(field.Value, Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex("[A-Za-z0-9+/]{8,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Run();

    /// <summary>An echoed <c>Authorization: Basic</c> credential is the Base64 of "id:secret" (issue 10 item 5, found by
    /// <c>SecretLeakTests</c>): any Base64 run that decodes to text holding the secret is redacted whole.</summary>
    private static string RedactBase64(string text, string secret)
    {
        string encoded = FormUrlEncoding.Encode(secret);
        return Base64Run().Replace(text, match =>
        {
            byte[] buffer = new byte[match.Length];
            if (!Convert.TryFromBase64String(match.Value, buffer, out int written))
            {
                return match.Value;
            }

            string decoded = System.Text.Encoding.UTF8.GetString(buffer, 0, written);
            return decoded.Contains(secret, StringComparison.Ordinal) || decoded.Contains(encoded, StringComparison.Ordinal)
                ? Redacted
                : match.Value;
        });
    }
}
