using System.Globalization;
using System.Text.Json;

namespace McpOAuth.Client.Internal;

/// <summary>Turns a successful token response into a <see cref="TokenSet"/>, refusing anything unusable (TOK-01..TOK-04).</summary>
internal static class TokenResponseReader
{
    private const long MaxExpiresInSeconds = int.MaxValue;

    /// <summary>The tokens of a successful response; <paramref name="sent"/> is what the request carried, redacted from any message.</summary>
    public static TokenSet Read(
        TokenEndpointResponse body,
        TokenRequestContext context,
        string? previousRefreshToken,
        DateTimeOffset now,
        IReadOnlyList<KeyValuePair<string, string>> sent)
    {
        if (string.IsNullOrEmpty(body.AccessToken) || !IsVisibleAscii(body.AccessToken))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has no usable access_token.");
        }

        // TOK-01: Bearer, compared case-insensitively (RFC 6749 §5.1); DPoP only when a proof was sent (RFC 9449 §5).
        bool dpopBound = context.Dpop is not null && string.Equals(body.TokenType, OAuthWireNames.Dpop, StringComparison.OrdinalIgnoreCase);
        if (!dpopBound && !string.Equals(body.TokenType, OAuthWireNames.Bearer, StringComparison.OrdinalIgnoreCase))
        {
            throw new McpOAuthException(
                McpOAuthErrorCode.InvalidResponse,
                $"The token response has token_type '{OAuthErrors.Safe(body.TokenType, sent, context.Client.Secret)}'; only Bearer{(context.Dpop is null ? string.Empty : " and DPoP")} are supported.");
        }

        if (body.RefreshToken is not null && (body.RefreshToken.Length == 0 || !IsVisibleAscii(body.RefreshToken)))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unusable refresh_token.");
        }

        return new TokenSet
        {
            AccessToken = body.AccessToken,
            TokenType = dpopBound ? OAuthWireNames.Dpop : OAuthWireNames.Bearer,
            DpopKey = dpopBound ? context.Dpop!.Key : null,
            RefreshToken = body.RefreshToken ?? previousRefreshToken, // REF-03: keep the old one when none is returned.
            ObtainedAt = now,
            ExpiresAt = ParseExpiry(body.ExpiresIn, now),
            Scopes = body.Scope is { } granted ? GrantedScopes(granted, context.Scopes) : context.Scopes,
            Resource = context.ResourceKey,
            Issuer = context.Registration.Issuer,
            ClientId = context.Registration.ClientId,
            Partition = context.Partition,
            Registration = context.Registration,
        };
    }

    /// <summary>An ID-JAG from an RFC 8693 exchange (SEP-990): a token of the ID-JAG type, nothing else.</summary>
    public static string ReadIdJag(TokenEndpointResponse? body)
    {
        if (body?.AccessToken is not { Length: > 0 } idJag || !IsB64Token(idJag)
            || (body.IssuedTokenType is { } issued && issued != OAuthWireNames.IdJagTokenType))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The identity provider did not return an ID-JAG.");
        }

        return idJag;
    }

    /// <summary>TOK-03: numbers or numeric strings; capped; zero or negative means already expired; anything else is refused.</summary>
    private static DateTimeOffset? ParseExpiry(JsonElement? value, DateTimeOffset now)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        double seconds;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double number))
        {
            seconds = number;
        }
        else if (element.ValueKind == JsonValueKind.String
            && double.TryParse(StringOrNull(element), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            seconds = parsed;
        }
        else
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unreadable expires_in.");
        }

        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            throw new McpOAuthException(McpOAuthErrorCode.InvalidResponse, "The token response has an unreadable expires_in.");
        }

        return seconds <= 0 ? now : now.AddSeconds(Math.Min(seconds, MaxExpiresInSeconds));
    }

    /// <summary>The string, or null when it is not valid UTF-8: a deferred <see cref="JsonElement"/> is only transcoded here, and
    /// <see cref="JsonElement.GetString"/> throws <see cref="InvalidOperationException"/> for it (found by the fuzzer, issue 10).</summary>
    private static string? StringOrNull(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The granted scopes: space-separated (RFC 6749 §3.3), or comma-separated as GitHub sends them. A single value with
    /// commas is split unless it is exactly a scope that was asked for (a comma is a legal scope character).</summary>
    internal static IReadOnlyList<string> GrantedScopes(string granted, IReadOnlyList<string> requested)
    {
        string[] scopes = granted.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return scopes is [{ } single] && single.Contains(',', StringComparison.Ordinal) && !requested.Contains(single, StringComparer.Ordinal)
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : scopes;
    }

    /// <summary>RFC 6749 §A.12 and §A.17: tokens are opaque visible ASCII, such as the <c>userId:grantId:secret</c> tokens of
    /// Cloudflare's workers-oauth-provider. Spaces and control characters, which could split or inject into an
    /// <c>Authorization</c> header, and anything outside ASCII are refused.</summary>
    private static bool IsVisibleAscii(string value)
    {
        foreach (char c in value)
        {
            if (c is <= ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 6750 §2.1 b64token, for an ID-JAG, which is a JWT.</summary>
    private static bool IsB64Token(string value)
    {
        foreach (char c in value)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '~' or '+' or '/' or '=';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
