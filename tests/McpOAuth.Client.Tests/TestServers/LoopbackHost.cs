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

/// <summary>Starts a bare Kestrel server on 127.0.0.1 with an ephemeral port and one request delegate.</summary>
internal static class LoopbackHost
{
    /// <param name="handler">Answers every request.</param>
    /// <param name="listen">Configures the listener, e.g. <c>l =&gt; l.UseHttps(certificate)</c>; plain http when null.</param>
    public static async Task<(WebApplication App, Uri BaseUri)> StartAsync(RequestDelegate handler, Action<ListenOptions>? listen = null)
    {
        // The empty builder reads no configuration, environment variables or appsettings, and logs nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l => listen?.Invoke(l)));
        var app = builder.Build();
        app.Run(handler);
        try
        {
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
