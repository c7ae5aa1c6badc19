namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>The checks every target applies to what the library returned or threw.</summary>
internal static class Properties
{
    /// <summary>Runs an action; a <see cref="McpOAuthException"/> is the expected refusal and is checked, anything else
    /// escapes as a finding.</summary>
    /// <returns>The typed refusal, or null when the action succeeded.</returns>
    public static McpOAuthException? Typed(Action action, IReadOnlyList<string> secrets)
    {
        try
        {
            action();
            return null;
        }
        catch (McpOAuthException ex)
        {
            CheckException(ex, secrets);
            return ex;
        }
    }

    /// <summary>T14, WWWA-09, LOG-02: a typed error's message carries no raw control character and no secret the client sent.</summary>
    public static void CheckException(McpOAuthException ex, IReadOnlyList<string> secrets)
    {
        NoControlCharacters(ex.Message, "the exception message");
        foreach (string secret in secrets)
        {
            NoSecret(ex.Message, secret, "the exception message");
            NoSecret(ex.Error, secret, "the exception's Error");
            NoSecret(ex.ErrorDescription, secret, "the exception's ErrorDescription");
            NoSecret(ex.ErrorUri, secret, "the exception's ErrorUri");
        }
    }

    public static void NoControlCharacters(string? text, string where)
    {
        if (text is not null && text.Any(char.IsControl))
        {
            throw new FuzzFailure($"{where} contains a raw control character: {Printer.Escape(text)}");
        }
    }

    public static void NoSecret(string? text, string secret, string where)
    {
        if (text is not null && text.Contains(secret, StringComparison.Ordinal))
        {
            throw new FuzzFailure($"{where} contains a secret the client sent: {Printer.Escape(text)}");
        }
    }

    /// <summary>RFC 6750 §2.1 b64token: what may reach an Authorization header without injecting anything.</summary>
    public static bool IsB64Token(string value) =>
        value.Length > 0 && value.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '_' or '~' or '+' or '/' or '=');

    /// <summary>An opaque token as RFC 6749 §A.12/§A.17 allow it (issue 12: Cloudflare's <c>userId:grantId:secret</c>): visible
    /// ASCII only, so no space, control character or non-ASCII can split or inject into an Authorization header.</summary>
    public static bool IsVisibleAscii(string value) => value.Length > 0 && value.All(c => c is > ' ' and <= '~');

    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzFailure(message);
        }
    }

    /// <summary>Sync over async is fine here: a console process with no synchronization context, and the fake handlers
    /// complete synchronously.</summary>
    public static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public static T Wait<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();
}
