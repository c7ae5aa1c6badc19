namespace McpOAuth.Client.Internal;

/// <summary>
/// A linear-time parser for the RFC 9110 §11.6.1 challenge grammar: several challenges per field and several fields,
/// quoted strings with escapes, token68, case-insensitive scheme and parameter names, commas inside quotes.
/// </summary>
/// <remarks>Malformed input never throws: what parsed before the error is kept, and the rest is dropped.</remarks>
internal static class WwwAuthenticateParser
{
    private const int MaxParameters = 64;

    public static List<AuthChallenge> Parse(IEnumerable<string> fieldValues)
    {
        var result = new List<AuthChallenge>();
        foreach (string value in fieldValues)
        {
            if (value.Length > McpOAuthDefaults.MaxWwwAuthenticateLength)
            {
                continue;
            }

            ParseField(value, result);
        }

        return result;
    }

    public static List<AuthChallenge> Parse(string fieldValue) => Parse([fieldValue]);

    private static void ParseField(string s, List<AuthChallenge> result)
    {
        int i = 0;
        while (true)
        {
            SkipSeparators(s, ref i);
            if (i >= s.Length)
            {
                return;
            }

            string scheme = ReadToken(s, ref i);
            if (scheme.Length == 0)
            {
                return; // Not a token where a scheme must start: malformed, stop here.
            }

            var challenge = new AuthChallenge(scheme);
            result.Add(challenge);
            int afterScheme = i;
            SkipSpaces(s, ref i);
            if (i >= s.Length || s[i] == ',')
            {
                continue; // A scheme without parameters.
            }

            if (i == afterScheme)
            {
                return; // A scheme must be followed by a space before its parameters.
            }

            if (TryReadToken68(s, ref i, out string? token68))
            {
                challenge.Token68 = token68;
                continue;
            }

            if (!ReadParameters(s, ref i, challenge))
            {
                return;
            }
        }
    }

    /// <summary>Reads <c>name=value</c> pairs until the next challenge starts; false on malformed input.</summary>
    private static bool ReadParameters(string s, ref int i, AuthChallenge challenge)
    {
        while (true)
        {
            int start = i;
            string name = ReadToken(s, ref i);
            if (name.Length == 0)
            {
                return false;
            }

            SkipSpaces(s, ref i);
            if (i >= s.Length || s[i] != '=')
            {
                // A token not followed by '=' starts the next challenge.
                i = start;
                return true;
            }

            i++; // '='
            SkipSpaces(s, ref i);
            string? value;
            if (i < s.Length && s[i] == '"')
            {
                value = ReadQuoted(s, ref i);
                if (value is null)
                {
                    return false;
                }
            }
            else
            {
                // RFC 9110 wants a token here; servers also send unquoted URLs ("resource_metadata=https://..."), so read up
                // to the next separator.
                value = ReadUnquoted(s, ref i);
            }

            if (challenge.Parameters.Count >= MaxParameters)
            {
                return false;
            }

            challenge.Add(name, value);
            SkipSpaces(s, ref i);
            if (i >= s.Length)
            {
                return true;
            }

            if (s[i] != ',')
            {
                return false;
            }

            // Skip the list separators; what follows is a parameter or the next challenge.
            SkipSeparators(s, ref i);
            if (i >= s.Length)
            {
                return true;
            }
        }
    }

    private static bool TryReadToken68(string s, ref int i, out string? token68)
    {
        token68 = null;
        int j = i;
        while (j < s.Length && IsToken68Char(s[j]))
        {
            j++;
        }

        if (j == i)
        {
            return false;
        }

        while (j < s.Length && s[j] == '=')
        {
            j++;
        }

        int k = j;
        SkipSpaces(s, ref k);
        bool atEnd = k >= s.Length || s[k] == ',';
        if (!atEnd)
        {
            return false;
        }

        token68 = s[i..j];
        i = k;
        return true;
    }

    private static string? ReadQuoted(string s, ref int i)
    {
        i++; // opening quote
        var sb = new System.Text.StringBuilder();
        while (i < s.Length)
        {
            char c = s[i++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                if (i >= s.Length)
                {
                    return null;
                }

                c = s[i++];
            }

            sb.Append(c);
        }

        return null; // unterminated
    }

    private static string ReadUnquoted(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && s[i] != ',' && s[i] != ' ' && s[i] != '\t' && s[i] != '"' && !char.IsControl(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadToken(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && IsTokenChar(s[i]))
        {
            i++;
        }

        return s[start..i];
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
        {
            i++;
        }
    }

    private static void SkipSeparators(string s, ref int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
        {
            i++;
        }
    }

    // RFC 9110 §5.6.2 tchar.
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    // RFC 9110 §11.2 token68 (without the trailing '=' padding).
    private static bool IsToken68Char(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~' or '+' or '/';
}
