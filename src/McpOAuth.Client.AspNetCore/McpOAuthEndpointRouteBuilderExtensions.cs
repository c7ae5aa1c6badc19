using McpOAuth.Client;
using McpOAuth.Client.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the OAuth callback endpoint of a hosted web application.</summary>
public static class McpOAuthEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>GET</c> <see cref="McpOAuthWebAppOptions.CallbackPath"/>, the endpoint of the redirect URI.</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder to add conventions to the endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddWebApp</c> was not called, or was called for several names.</exception>
    /// <remarks>
    /// <para>It completes the sign-in with <see cref="IMcpOAuthProvider.CompleteSignInAsync"/> from the redirect URI plus the
    /// request's query, in the signed-in user's partition, then redirects (302) to the URL recorded when the sign-in started
    /// when it is a local path, else to the application's root: never to another site.</para>
    /// <para>A refused callback (unknown, replayed, expired, started by another user, a wrong <c>iss</c>) gets a fixed page: 400;
    /// 403 when access was declined; 502 when the authorization server failed; 503 when the store is unavailable. The page
    /// repeats nothing from the request, the server or the exception.</para>
    /// </remarks>
    public static IEndpointConventionBuilder MapMcpOAuthCallback(this IEndpointRouteBuilder endpoints) =>
        MapCore(endpoints, optionsName: null);

    /// <summary>Maps the callback endpoint of the named options, when <c>AddWebApp</c> was called for several names (each with its
    /// own <see cref="McpOAuthWebAppOptions.CallbackPath"/>).</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="optionsName">The options name given to <c>AddMcpOAuth</c>.</param>
    /// <returns>A builder to add conventions to the endpoint.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddWebApp</c> was not called for <paramref name="optionsName"/>.</exception>
    public static IEndpointConventionBuilder MapMcpOAuthCallback(this IEndpointRouteBuilder endpoints, string optionsName)
    {
        ArgumentNullException.ThrowIfNull(optionsName);
        return MapCore(endpoints, optionsName);
    }

    private static IEndpointConventionBuilder MapCore(IEndpointRouteBuilder endpoints, string? optionsName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        IServiceProvider services = endpoints.ServiceProvider;
        string name = (services.GetService<IOptions<WebAppNames>>()?.Value ?? new WebAppNames()).Choose(optionsName, nameof(MapMcpOAuthCallback));
        string path = services.GetRequiredService<IOptionsMonitor<McpOAuthWebAppOptions>>().Get(name).CallbackPath;
        var endpoint = new CallbackEndpoint(name);
        return endpoints.MapGet(path, endpoint.InvokeAsync).WithDisplayName("McpOAuth callback");
    }
}
