using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace McpOAuth.Client.Internal;

/// <summary>Configures the <see cref="McpOAuthOptions"/> of each name <c>AddWebApp</c> was called for: the redirect URI built
/// from the public URL, the return URL taken from the current request, and the strict network policy.</summary>
/// <remarks>Runs after the application's own <c>AddMcpOAuth</c> configuration, so these values win; a <c>ReturnUrl</c> hook
/// the application set is kept.</remarks>
internal sealed class HostedOptionsSetup(
    IOptionsMonitor<McpOAuthWebAppOptions> webApps, IOptions<WebAppNames> names, IHttpContextAccessor httpContext)
    : IConfigureNamedOptions<McpOAuthOptions>
{
    public void Configure(McpOAuthOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, McpOAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        name ??= Options.DefaultName;
        if (!names.Value.Contains(name))
        {
            return;
        }

        McpOAuthWebAppOptions webApp = webApps.Get(name); // Validated here: a bad public URL fails with its own message.
        options.Hosted.RedirectUri = McpOAuthWebAppOptionsValidator.RedirectUriOf(webApp);
        options.Hosted.ReturnUrl ??= () => LocalUrl.ReturnUrlOf(httpContext.HttpContext);
        options.Network.RefusePrivateNetworks = webApp.RefusePrivateNetworks;
    }
}
