using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the McpOAuth.Client middleware of a hosted web application.</summary>
public static class McpOAuthApplicationBuilderExtensions
{
    /// <summary>Runs each request in its signed-in user's partition, and answers a request whose user must sign in to an MCP
    /// server with a 302 to the authorization URL, or a JSON 401 for API callers.</summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The same application builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddWebApp</c> was not called, or was called for several names.</exception>
    /// <remarks>
    /// <para>Place it after <c>UseAuthentication()</c>. An authenticated request's partition comes from
    /// <see cref="McpOAuthWebAppOptions.PartitionSelector"/> or <see cref="McpOAuthWebAppOptions.PartitionClaimType"/> (by default
    /// the <c>sub</c> claim, else the name identifier). An anonymous request, or one whose user has no such claim, gets a new
    /// partition of its own that no other request can reach: it never uses, lists or stores anyone's tokens, and a sign-in it
    /// starts can never be completed (its callback arrives in another anonymous partition and is refused).</para>
    /// <para>A request that fails with <see cref="McpOAuthSignInRequiredException"/> (also when an MCP client wrapped it) and
    /// has not started its response gets, with <c>Accept: application/json</c> (and not <c>text/html</c>), a 401 with
    /// <c>{"error":"sign_in_required","authorization_uri":"..."}</c>; otherwise a 302 to the authorization URL. Both are
    /// <c>Cache-Control: no-store</c>. The server never opens a browser.</para>
    /// </remarks>
    public static IApplicationBuilder UseMcpOAuth(this IApplicationBuilder app) => UseMcpOAuthCore(app, optionsName: null);

    /// <summary>Adds the middleware with the partition settings of the named <see cref="McpOAuthWebAppOptions"/>, when
    /// <c>AddWebApp</c> was called for several names.</summary>
    /// <param name="app">The application builder.</param>
    /// <param name="optionsName">The options name given to <c>AddMcpOAuth</c>.</param>
    /// <returns>The same application builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddWebApp</c> was not called for <paramref name="optionsName"/>.</exception>
    public static IApplicationBuilder UseMcpOAuth(this IApplicationBuilder app, string optionsName)
    {
        ArgumentNullException.ThrowIfNull(optionsName);
        return UseMcpOAuthCore(app, optionsName);
    }

    private static IApplicationBuilder UseMcpOAuthCore(IApplicationBuilder app, string? optionsName)
    {
        ArgumentNullException.ThrowIfNull(app);
        string name = (app.ApplicationServices.GetService<IOptions<WebAppNames>>()?.Value ?? new WebAppNames()).Choose(optionsName, nameof(UseMcpOAuth));
        return app.UseMiddleware<McpOAuthMiddleware>(name);
    }
}
