using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Starts a Kestrel server on 127.0.0.1 with an ephemeral port: the one bootstrap of every in-process test server.</summary>
internal static class LoopbackHost
{
    /// <summary>Starts a server whose one request delegate answers every request.</summary>
    /// <param name="handler">Answers every request.</param>
    /// <param name="listen">Configures the listener, e.g. <c>l =&gt; l.UseHttps(certificate)</c>; plain http when null.</param>
    public static Task<(WebApplication App, Uri BaseUri)> StartAsync(RequestDelegate handler, Action<ListenOptions>? listen = null) =>
        StartAppAsync(_ => { }, app => app.Run(handler), listen);

    /// <summary>Starts a server with the caller's services, middleware and endpoints.</summary>
    /// <param name="configure">Adds services to the builder (e.g. routing, an MCP server) before it is built.</param>
    /// <param name="map">Adds middleware and endpoints to the built application before it starts.</param>
    /// <param name="listen">Configures the listener, e.g. <c>l =&gt; l.UseHttps(certificate)</c>; plain http when null.</param>
    /// <returns>The started application (stop it with <see cref="StopAsync"/>) and its base URI, <c>http://127.0.0.1:PORT/</c>.</returns>
    public static async Task<(WebApplication App, Uri BaseUri)> StartAppAsync(
        Action<WebApplicationBuilder> configure, Action<WebApplication> map, Action<ListenOptions>? listen = null)
    {
        // The empty builder reads no configuration, environment variables or appsettings, and logs nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l => listen?.Invoke(l)));
        configure(builder);
        var app = builder.Build();
        try
        {
            map(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features
                .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return (app, new Uri(address, UriKind.Absolute));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops and disposes a server started here; nothing when <paramref name="app"/> is null.</summary>
    public static async ValueTask StopAsync(WebApplication? app)
    {
        if (app is null)
        {
            return;
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }
}
