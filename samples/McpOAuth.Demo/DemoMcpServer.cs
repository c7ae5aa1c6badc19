using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpOAuth.Demo;

/// <summary>A protected MCP server built with the official SDK (<c>ModelContextProtocol.AspNetCore</c>): RFC 9728 metadata,
/// RFC 6750 challenges, and two tools.</summary>
internal sealed class DemoMcpServer : IAsyncDisposable
{
    public const string Scope = "mcp:tools";
    private const string MetadataPath = "/.well-known/oauth-protected-resource/mcp";
    private static readonly string[] Scopes = [Scope], BearerMethods = ["header"];
    private readonly WebApplication _app;

    private DemoMcpServer(DemoAuthorizationServer authorizationServer)
    {
        WebApplicationBuilder builder = LoopbackApp.CreateBuilder();
        builder.Services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "mcpoauth-demo", Version = "1.0.0" })
            .WithHttpTransport()
            .WithTools([typeof(DemoTools)]);
        _app = builder.Build();

        _app.MapGet(MetadataPath, () =>
        {
            Narrator.Party("MCP", $"GET {MetadataPath} → RFC 9728 metadata: resource {Resource}, authorization_servers [{authorizationServer.Issuer}]");
            return Results.Json(new
            {
                resource = Resource,
                authorization_servers = new[] { authorizationServer.Issuer },
                scopes_supported = Scopes,
                bearer_methods_supported = BearerMethods,
                resource_name = "McpOAuth demo MCP server",
            });
        });

        // Every request to /mcp needs a valid token for this resource with the mcp:tools scope.
        _app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/mcp", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            string? header = context.Request.Headers.Authorization;
            string? token = header?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? header[7..].Trim() : null;
            DemoAuthorizationServer.AccessTokenInfo? info = token is null ? null : authorizationServer.Validate(token, Resource);
            string challenge = $"Bearer resource_metadata=\"{Origin}{MetadataPath}\", scope=\"{Scope}\"";
            if (info is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = token is null ? challenge : challenge + ", error=\"invalid_token\"";
                Narrator.Party("MCP", $"{context.Request.Method} /mcp {(token is null ? "without a token" : "with an invalid, expired or revoked token")} → 401");
                Narrator.Party("", $"WWW-Authenticate: {context.Response.Headers.WWWAuthenticate}");
                return;
            }

            if (!info.Scopes.Contains(Scope))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.Headers.WWWAuthenticate = challenge + ", error=\"insufficient_scope\"";
                return;
            }

            context.User = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim("sub", info.Subject), new Claim("client_id", info.ClientId), new Claim("scope", string.Join(' ', info.Scopes))],
                authenticationType: "Bearer", nameType: "sub", roleType: null));
            await next(context);
        });
        _app.MapMcp("/mcp");
    }

    /// <summary>Gets the resource identifier, which is also the MCP endpoint: <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public string Resource => Origin + "/mcp";

    private string Origin { get; set; } = "";

    public static async Task<DemoMcpServer> StartAsync(DemoAuthorizationServer authorizationServer)
    {
        var server = new DemoMcpServer(authorizationServer);
        server.Origin = await LoopbackApp.StartAsync(server._app);
        return server;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [McpServerToolType]
    private static class DemoTools
    {
        [McpServerTool(Name = "echo", ReadOnly = true), Description("Echoes the message back.")]
        public static string Echo([Description("The text to echo.")] string message) => message;

        [McpServerTool(Name = "whoami", ReadOnly = true), Description("Says who the access token was issued to.")]
        public static string WhoAmI(RequestContext<CallToolRequestParams> request)
        {
            ClaimsPrincipal? user = request.User;
            Narrator.Party("MCP", $"tools/call whoami, authorized as {user?.FindFirst("sub")?.Value}");
            return $"subject {user?.FindFirst("sub")?.Value}, client {user?.FindFirst("client_id")?.Value}, scopes [{user?.FindFirst("scope")?.Value}]";
        }
    }
}
