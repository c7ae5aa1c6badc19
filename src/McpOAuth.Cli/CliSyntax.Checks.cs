using System.CommandLine.Parsing;
using System.Globalization;

namespace McpOAuth.Cli;

/// <summary>The value parsers and checks of <see cref="CliSyntax"/>; each failure is a parse error (exit code 2).</summary>
internal sealed partial class CliSyntax
{
    private static Uri? ParseServerUri(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string text = result.Tokens[0].Value;
        if (IsHttpUrl(text, out Uri? uri))
        {
            return uri;
        }

        result.AddError(text.StartsWith('-') ? $"unknown option '{text}'." : $"'{text}' is not an http or https URL.");
        return null;
    }

    private static int? ParsePort(ArgumentResult result)
    {
        if (result.Tokens.Count == 1
            && int.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            && port is > 0 and <= 65535)
        {
            return port;
        }

        result.AddError("--callback-port takes a port number from 1 to 65535.");
        return null;
    }

    private static void ValidateIssuer(OptionResult result)
    {
        if (result.GetValueOrDefault<string?>() is { } issuer && !IsHttpUrl(issuer, out _))
        {
            result.AddError($"--issuer takes the authorization server's issuer URL (http or https), not '{issuer}'.");
        }
    }

    /// <summary>Each value is NAME=VALUE with a non-empty name, and no name is given twice.</summary>
    private static void ValidateAuthParameters(OptionResult result)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string value in result.GetValueOrDefault<string[]>() ?? [])
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                result.AddError($"--auth-param takes NAME=VALUE with a non-empty name, not '{value}'.");
            }
            else if (!names.Add(value[..equals]))
            {
                result.AddError($"--auth-param names '{value[..equals]}' twice.");
            }
        }
    }

    private static KeyValuePair<string, string> SplitAuthParameter(string value)
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        return new(value[..equals], value[(equals + 1)..]);
    }

    private static bool IsHttpUrl(string text, out Uri? uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary><c>--issuer</c> binds a pre-registered client; on its own it would bind nothing.</summary>
    private void RequireClientIdForIssuer(CommandResult result)
    {
        if (result.GetValue(_issuer) is not null && result.GetValue(_clientId) is null)
        {
            result.AddError("--issuer names the authorization server of --client-id; give --client-id too.");
        }
    }

    private void RejectTwoHeadlessSignIns(CommandResult result)
    {
        if (result.GetValue(_device) && result.GetValue(_noBrowser))
        {
            result.AddError("--device and --no-browser are two different headless sign-ins; choose one.");
        }
    }
}
