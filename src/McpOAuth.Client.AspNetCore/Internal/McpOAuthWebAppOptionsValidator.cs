using System.Net;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Checks <see cref="McpOAuthWebAppOptions"/>: a public URL a browser can be sent back to safely, and a callback path.</summary>
internal sealed class McpOAuthWebAppOptionsValidator : IValidateOptions<McpOAuthWebAppOptions>
{
    public ValidateOptionsResult Validate(string? name, McpOAuthWebAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.PublicOrigin is not { } origin)
        {
            builder.AddError("is required: the application's public URL, which the redirect URI is built from.", nameof(McpOAuthWebAppOptions.PublicOrigin));
        }
        else if (!IsUsableOrigin(origin))
        {
            builder.AddError(
                "must be an absolute https URL (or http to a loopback host, for development) without query, fragment or user information.",
                nameof(McpOAuthWebAppOptions.PublicOrigin));
        }

        string path = options.CallbackPath ?? string.Empty;
        if (path.Length < 2 || path[0] != '/' || path[1] == '/' || path.IndexOfAny(['?', '#', '\\']) >= 0 || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            builder.AddError("must be a path such as /oauth/callback: starting with one '/', without query, fragment or spaces.", nameof(McpOAuthWebAppOptions.CallbackPath));
        }

        return builder.Build();
    }

    /// <summary>The redirect URI: the public URL followed by the callback path.</summary>
    public static Uri RedirectUriOf(McpOAuthWebAppOptions options) =>
        new(options.PublicOrigin!.GetLeftPart(UriPartial.Path).TrimEnd('/') + options.CallbackPath, UriKind.Absolute);

    private static bool IsUsableOrigin(Uri origin) =>
        origin.IsAbsoluteUri
        && origin.Query.Length == 0
        && origin.Fragment.Length == 0
        && origin.UserInfo.Length == 0
        && (origin.Scheme == Uri.UriSchemeHttps || (origin.Scheme == Uri.UriSchemeHttp && IsLoopback(origin)));

    private static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.IdnHost, out IPAddress? address) && IPAddress.IsLoopback(address));
}
