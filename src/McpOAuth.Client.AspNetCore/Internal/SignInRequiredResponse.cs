using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace McpOAuth.Client.Internal;

/// <summary>Turns <see cref="McpOAuthSignInRequiredException"/> into what the caller can act on: a 302 to the authorization URL
/// for a browser, or a JSON 401 naming it for an API caller (<c>Accept: application/json</c>). The server never opens a browser.</summary>
internal static class SignInRequiredResponse
{
    private const int MaxDepth = 8;

    /// <summary>Finds the exception behind another (an MCP client or <see cref="HttpClient"/> may wrap what the handler threw).</summary>
    public static McpOAuthSignInRequiredException? Find(Exception? exception)
    {
        for (int depth = 0; exception is not null && depth < MaxDepth; depth++)
        {
            switch (exception)
            {
                case McpOAuthSignInRequiredException signIn:
                    return signIn;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    exception = aggregate.InnerExceptions[0];
                    break;
                default:
                    exception = exception.InnerException;
                    break;
            }
        }

        return null;
    }

    public static bool WantsJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out IList<MediaTypeHeaderValue>? accepted))
        {
            return false;
        }

        bool json = accepted.Any(m => m.Quality is not 0 && (m.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || m.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)));
        bool html = accepted.Any(m => m.Quality is not 0 && m.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        return json && !html;
    }

    public static async Task WriteAsync(HttpContext context, McpOAuthSignInRequiredException signIn)
    {
        HttpResponse response = context.Response;
        response.Clear();
        response.Headers.CacheControl = "no-store";
        if (!WantsJson(context.Request))
        {
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = signIn.AuthorizationUri.AbsoluteUri;
            return;
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.ContentType = "application/json; charset=utf-8";
        var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("error", "sign_in_required");
            json.WriteString("authorization_uri", signIn.AuthorizationUri.AbsoluteUri);
            json.WriteEndObject();
        }

        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
