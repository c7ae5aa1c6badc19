using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        (WebApplication app, Uri baseUri) = await LoopbackHost.StartAppAsync(
            builder => AddServices(builder.Services, mcpServer.McpUri, setup),
            web =>
            {
                web.Use((context, next) =>
                {
                    if (context.Request.Headers[UserHeader] is [{ Length: > 0 } user])
                    {
                        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user)], "test"));
                    }

                    return next(context);
                });
                web.UseMcpOAuth();
                web.UseRouting();
                MapEndpoints(web, mcpServer.McpUri);
            });
        return new TestWebApp(app, baseUri);
    }

    /// <summary>The same path and query on this instance: where the load balancer sends a request for the public URL.</summary>
    public Uri Route(Uri publicUri) => new(BaseUri, publicUri.PathAndQuery);

    public ValueTask DisposeAsync() => LoopbackHost.StopAsync(_app);

    private static void AddServices(IServiceCollection services, Uri mcpUri, TestWebAppSetup setup)
    {
        services.AddRoutingCore();
        services.AddLogging();
        if (setup.Time is { } time)
        {
            services.AddSingleton(time);
        }

        IMcpOAuthBuilder oauth = services.AddMcpOAuth(o =>
        {
            o.ServerUri = mcpUri;
            o.Network.AllowedHosts.Add("127.0.0.1");
            setup.OAuth?.Invoke(o);
        });
        oauth.AddWebApp(o =>
        {
            o.PublicOrigin = PublicOrigin;
            setup.WebApp?.Invoke(o);
        });
        services.Replace(ServiceDescriptor.Singleton(setup.Pending));
        services.Replace(ServiceDescriptor.Singleton(setup.Tokens));
        services.AddHttpClient("mcp").AddMcpOAuthHandler();
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
