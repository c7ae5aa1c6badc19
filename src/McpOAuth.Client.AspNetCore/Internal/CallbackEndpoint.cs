using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>The redirect URI's endpoint: completes the signed-in user's sign-in from the URL the browser was sent to, then sends
/// the browser back where it was; a refused callback gets a plain page with the status that fits and nothing from the server.</summary>
internal sealed class CallbackEndpoint(string name)
{
    public async Task InvokeAsync(HttpContext context)
    {
        IServiceProvider services = context.RequestServices;
        McpOAuthWebAppOptions webApp = services.GetRequiredService<IOptionsMonitor<McpOAuthWebAppOptions>>().Get(name);
        IMcpOAuthProvider provider = services.GetRequiredKeyedService<IMcpOAuthProvider>(name);
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("McpOAuth.Client.AspNetCore.Callback");

        // The URL the authorization server redirected to, as the public saw it: never rebuilt from the Host header.
        var redirected = new Uri(McpOAuthWebAppOptionsValidator.RedirectUriOf(webApp).AbsoluteUri + context.Request.QueryString.ToUriComponent());
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";

        McpOAuthSignInResult result;
        using (McpOAuthPartition.Enter(UserPartition.Of(context.User, webApp)))
        {
            try
            {
                result = await provider.CompleteSignInAsync(redirected, context.RequestAborted).ConfigureAwait(false);
            }
            catch (McpOAuthException ex)
            {
                CallbackErrorPage page = CallbackErrorPage.For(ex.Code);
                logger.HostedSignInRefused(ex.Code, page.StatusCode);
                await page.WriteAsync(context).ConfigureAwait(false);
                return;
            }
        }

        logger.HostedSignInCompleted(result.Login.Key.Resource);
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = LocalUrl.AfterSignIn(result.ReturnUrl, context.Request);
    }
}
