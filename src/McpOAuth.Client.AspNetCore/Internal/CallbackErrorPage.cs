using System.Text;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Internal;

/// <summary>What a person sees when a sign-in callback is refused: a status that fits and a fixed sentence. Nothing from the
/// request, the authorization server or the exception is echoed, so no code, state, token or server text can leak or inject.</summary>
internal sealed record CallbackErrorPage(int StatusCode, string Title, string Text)
{
    public static CallbackErrorPage For(McpOAuthErrorCode code) => code switch
    {
        McpOAuthErrorCode.StateMismatch => new(
            StatusCodes.Status400BadRequest,
            "This sign-in cannot be completed",
            "It is unknown, already completed, expired, or was started by another user. Start the sign-in again."),
        McpOAuthErrorCode.Timeout => new(
            StatusCodes.Status400BadRequest,
            "This sign-in expired",
            "It took too long to come back. Start the sign-in again."),
        McpOAuthErrorCode.IssuerParameterMismatch or McpOAuthErrorCode.InvalidResponse or McpOAuthErrorCode.InvalidGrant => new(
            StatusCodes.Status400BadRequest,
            "This sign-in response was refused",
            "It did not come from the authorization server the sign-in was started with, or it was not valid. Start the sign-in again."),
        McpOAuthErrorCode.AuthorizationDenied => new(
            StatusCodes.Status403Forbidden,
            "Access was not granted",
            "The authorization server or the user declined the request."),
        McpOAuthErrorCode.StoreUnavailable => new(
            StatusCodes.Status503ServiceUnavailable,
            "Sign-in is unavailable",
            "The application could not reach its storage. Try again shortly."),
        _ => new(
            StatusCodes.Status502BadGateway,
            "The sign-in could not be completed",
            "The authorization server could not be reached, or did not accept the request. Try again later."),
    };

    public async Task WriteAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers["Content-Security-Policy"] = "default-src 'none'";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        string html = $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Title}</title></head><body><h1>{Title}</h1><p>{Text}</p></body></html>";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(html), context.RequestAborted).ConfigureAwait(false);
    }
}
