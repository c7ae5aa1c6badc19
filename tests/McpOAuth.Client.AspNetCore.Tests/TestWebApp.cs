using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>An application built on McpOAuth.Client.AspNetCore, on real Kestrel at <c>http://127.0.0.1:PORT</c>: the test's
/// stand-in for a hosted web app. Its user comes from the <c>X-Test-User</c> header (the test plays the authentication), and
/// <c>GET /tools</c> sends <c>tools/list</c> to the MCP server through the handler, as that user.</summary>
internal sealed class TestWebApp : IAsyncDisposable
{
    public const string UserHeader = "X-Test-User";

    /// <summary>The public URL every instance is configured with; the test plays the load balancer in front of them.</summary>
    public static readonly Uri PublicOrigin = new("http://127.0.0.1:5999");

    private readonly WebApplication _app;

    private TestWebApp(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    public IMcpOAuthProvider Provider => _app.Services.GetRequiredService<IMcpOAuthProvider>();

    public static async Task<TestWebApp> StartAsync(TestMcpServer mcpServer, Action<TestWebAppSetup>? configure = null)
    {
        var setup = new TestWebAppSetup();
        configure?.Invoke(setup);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        if (setup.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        IMcpOAuthBuilder oauth = builder.Services.AddMcpOAuth(o =>
        {
            o.ServerUri = mcpServer.McpUri;
            o.Network.AllowedHosts.Add("127.0.0.1");
            setup.OAuth?.Invoke(o);
        });
        oauth.AddWebApp(o =>
        {
            o.PublicOrigin = PublicOrigin;
            setup.WebApp?.Invoke(o);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton(setup.Pending));
        builder.Services.Replace(ServiceDescriptor.Singleton(setup.Tokens));
        builder.Services.AddHttpClient("mcp").AddMcpOAuthHandler();

        WebApplication app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers[UserHeader] is [{ Length: > 0 } user])
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user)], "test"));
            }

            return next(context);
        });
        app.UseMcpOAuth();
        app.UseRouting();
        MapEndpoints(app, mcpServer.McpUri);
        try
        {
            await app.StartAsync();
            string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new TestWebApp(app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same path and query on this instance: where the load balancer sends a request for the public URL.</summary>
    public Uri Route(Uri publicUri) => new(BaseUri, publicUri.PathAndQuery);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void MapEndpoints(WebApplication app, Uri mcpUri)
    {
        app.MapGet("/tools", async (IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await clients.CreateClient("mcp").PostAsync(mcpUri, content, cancellationToken);
            return Results.Text(await response.Content.ReadAsStringAsync(cancellationToken), "application/json", statusCode: (int)response.StatusCode);
        });
        app.MapGet("/partition", () => McpOAuthPartition.Current);
        app.MapGet("/wrapped", () =>
        {
            var inner = new McpOAuthSignInRequiredException(new Uri("https://as.example.com/authorize?state=s"), "https://mcp.example.com/mcp");
            throw new InvalidOperationException("An MCP client wrapped it.", new AggregateException(inner));
        });
        app.MapMcpOAuthCallback();
    }
}

/// <summary>What a <see cref="TestWebApp"/> is built with.</summary>
internal sealed class TestWebAppSetup
{
    public Action<McpOAuthOptions>? OAuth { get; set; }

    public Action<McpOAuthWebAppOptions>? WebApp { get; set; }

    public TimeProvider? Time { get; set; }

    public IPendingAuthorizationStore Pending { get; set; } = new InMemoryPendingAuthorizationStore();

    public ITokenStore Tokens { get; set; } = new InMemoryTokenStore();
}
