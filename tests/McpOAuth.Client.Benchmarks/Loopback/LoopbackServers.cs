using System.Text.Json.Nodes;
using McpOAuth.Client.Tests.TestServers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>
/// The servers every loopback benchmark runs against, on 127.0.0.1 with ephemeral ports: the integration tests'
/// <see cref="TestAuthorizationServer"/> (RFC 8414 metadata, RFC 7591 registration, code + PKCE, refresh with rotation) and a
/// protected MCP server built from the official SDK's ASP.NET Core package (stateless Streamable HTTP, one <c>echo</c> tool)
/// behind a bearer check that answers RFC 9728 challenges. Both clients under test talk to exactly these servers.
/// </summary>
public sealed class LoopbackServers : IAsyncDisposable
{
    public const string McpPath = "/mcp";

    /// <summary>The same MCP server without the bearer check: the no-auth floor of the first-use benchmark.</summary>
    public const string OpenMcpPath = "/mcp-open";
    public const string ProtectedResourcePath = "/.well-known/oauth-protected-resource" + McpPath;
    public const string StatsPath = "/__stats";

    private WebApplication? _mcp;

    private LoopbackServers(TestAuthorizationServer authorization) => Authorization = authorization;

    public TestAuthorizationServer Authorization { get; }

    public Uri McpUri { get; private set; } = null!;

    /// <summary>Gets the resource identifier: the MCP endpoint URL exactly.</summary>
    public string Resource => McpUri.AbsoluteUri;

    public McpServerCounters Counters { get; } = new();

    public static async Task<LoopbackServers> StartAsync(TimeSpan accessTokenLifetime)
    {
        var authorization = await TestAuthorizationServer.StartAsync(o => o.AccessTokenLifetime = accessTokenLifetime);
        var servers = new LoopbackServers(authorization);
        try
        {
            await servers.StartMcpAsync();
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Counts what both servers have received so far.</summary>
    public ServerSnapshot Snapshot() => new(Authorization.Requests.Count, Counters.Read());

    /// <summary>What the servers received since <paramref name="before"/>, by kind.</summary>
    public RequestTally Since(ServerSnapshot before)
    {
        var requests = Authorization.Requests;
        var tally = new RequestTally();
        for (int i = before.AuthorizationRequests; i < requests.Count; i++)
        {
            RecordedRequest r = requests[i];
            if (r.Path.StartsWith("/.well-known/", StringComparison.Ordinal))
            {
                tally.AuthorizationServerMetadata++;
            }
            else if (r.Path == "/register")
            {
                tally.Registration++;
            }
            else if (r.Path == "/authorize")
            {
                tally.Authorize++;
            }
            else if (r.Path == "/token" && r.FormValue("grant_type") == "authorization_code")
            {
                tally.TokenCode++;
            }
            else if (r.Path == "/token" && r.FormValue("grant_type") == "refresh_token")
            {
                tally.TokenRefresh++;
                if (r.FormValue("refresh_token") is { } presented)
                {
                    tally.PresentedRefreshTokens.Add(presented);
                }
            }
            else
            {
                tally.OtherAuthorizationServer++;
            }
        }

        McpCounts now = Counters.Read();
        tally.McpUnauthorized = now.Unauthorized - before.Mcp.Unauthorized;
        tally.McpAuthorized = now.Authorized - before.Mcp.Authorized;
        tally.ProtectedResourceMetadata = now.ProtectedResourceMetadata - before.Mcp.ProtectedResourceMetadata;
        tally.OtherMcpServer = now.Other - before.Mcp.Other;
        return tally;
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackHost.StopAsync(_mcp);
        await Authorization.DisposeAsync();
    }

    private async Task StartMcpAsync()
    {
        (_mcp, Uri baseUri) = await LoopbackHost.StartAppAsync(
            builder => builder.Services.AddRouting().AddMcpServer().WithHttpTransport(o => o.Stateless = true).WithTools<EchoTool>(),
            app =>
            {
                app.Use(GuardAsync);
                app.MapGet(ProtectedResourcePath, WriteProtectedResourceMetadataAsync);
                app.MapGet(StatsPath, WriteStatsAsync);
                app.MapMcp(McpPath);
                app.MapMcp(OpenMcpPath);
            });
        McpUri = new Uri(baseUri, McpPath);
    }

    /// <summary>The bearer check in front of the MCP endpoint (RFC 6750 §3, RFC 9728 §5.1).</summary>
    private Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        PathString path = context.Request.Path;
        if (path == ProtectedResourcePath)
        {
            Counters.CountProtectedResourceMetadata();
            return next(context);
        }

        if (path == StatsPath || path == OpenMcpPath)
        {
            return next(context);
        }

        if (path != McpPath)
        {
            Counters.CountOther();
            return next(context);
        }

        string? header = context.Request.Headers.Authorization;
        string? token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (token is null || !Authorization.IsAccessTokenValid(token, Resource, out _))
        {
            Counters.CountUnauthorized();
            string metadata = McpUri.GetLeftPart(UriPartial.Authority) + ProtectedResourcePath;
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = token is null
                ? $"Bearer resource_metadata=\"{metadata}\""
                : $"Bearer error=\"invalid_token\", resource_metadata=\"{metadata}\"";
            return Task.CompletedTask;
        }

        Counters.CountAuthorized();
        return next(context);
    }

    private Task WriteProtectedResourceMetadataAsync(HttpContext context)
    {
        var document = new JsonObject
        {
            ["resource"] = Resource,
            ["authorization_servers"] = new JsonArray(Authorization.Issuer),
            ["bearer_methods_supported"] = new JsonArray("header"),
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(document.ToJsonString(), context.RequestAborted);
    }

    private Task WriteStatsAsync(HttpContext context)
    {
        McpCounts counts = Counters.Read();
        var document = new JsonObject
        {
            ["mcpUnauthorized"] = counts.Unauthorized,
            ["mcpAuthorized"] = counts.Authorized,
            ["protectedResourceMetadata"] = counts.ProtectedResourceMetadata,
            ["authorizationServerRequests"] = Authorization.Requests.Count,
            ["registrations"] = Authorization.RegistrationCount,
            ["tokenRequests"] = Authorization.TokenRequests.Count,
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(document.ToJsonString(), context.RequestAborted);
    }
}
