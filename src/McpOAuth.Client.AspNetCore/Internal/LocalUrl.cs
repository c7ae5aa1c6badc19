using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Internal;

/// <summary>Return URLs that stay on this application: a path (with its query) and nothing that a browser could read as another
/// origin (<c>//host</c>, <c>/\host</c>, a scheme), so the callback can never be made an open redirect.</summary>
internal static class LocalUrl
{
    private const int MaxLength = 2048;

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 and <= MaxLength }
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));

    /// <summary>The path and query of the request that needed the sign-in, when local.</summary>
    public static string? ReturnUrlOf(HttpContext? context)
    {
        if (context is null)
        {
            return null;
        }

        HttpRequest request = context.Request;
        string url = (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        return IsLocal(url) ? url : null;
    }

    /// <summary>Where the browser goes after the callback: the recorded return URL when local, else the application's root.</summary>
    public static string AfterSignIn(string? returnUrl, HttpRequest request) =>
        IsLocal(returnUrl) ? returnUrl! : (request.PathBase.HasValue ? request.PathBase.ToUriComponent() + "/" : "/");
}
