using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Runs each request in its user's partition (<see cref="McpOAuthPartition"/>), and answers a request that failed because
/// its user must sign in to an MCP server with the way to do it.</summary>
internal sealed class McpOAuthMiddleware(RequestDelegate next, IOptionsMonitor<McpOAuthWebAppOptions> webApps, string name, ILogger<McpOAuthMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using (McpOAuthPartition.Enter(UserPartition.Of(context.User, webApps.Get(name))))
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (SignInRequiredResponse.Find(ex) is { } signIn && !context.Response.HasStarted)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.SignInRequired(signIn.Resource, signIn.AuthorizationUri.GetLeftPart(UriPartial.Path), SignInRequiredResponse.WantsJson(context.Request));
                }

                await SignInRequiredResponse.WriteAsync(context, signIn).ConfigureAwait(false);
            }
        }
    }
}
