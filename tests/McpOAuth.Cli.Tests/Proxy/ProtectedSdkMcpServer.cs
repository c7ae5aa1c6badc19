using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpOAuth.Cli.Tests.Proxy;

/// <summary>One HTTP request the MCP server received, with the headers the proxy must keep (never the token itself).</summary>
internal sealed record McpHttpRequest(string Method, string? SessionId, string? ProtocolVersion, string? Token, int StatusCode);

/// <summary>A real MCP server (the official SDK's <c>ModelContextProtocol.AspNetCore</c>, stateful Streamable HTTP) behind
/// bearer tokens, on 127.0.0.1: RFC 9728 metadata naming one authorization server, RFC 6750 challenges, and three tools.
/// <c>echo</c> needs <see cref="ToolsScope"/>; <c>admin</c> also needs <see cref="AdminScope"/> (a 403
/// <c>insufficient_scope</c> otherwise, for step-up); <c>notify</c> sends <see cref="InCallNotification"/> on the call's own
/// stream and keeps its session, so <see cref="SendUnsolicitedAsync"/> can later send <see cref="UnsolicitedNotification"/>
/// on the GET stream.</summary>
internal sealed class ProtectedSdkMcpServer : IAsyncDisposable
{
    public const string ToolsScope = "mcp:tools";
    public const string AdminScope = "mcp:admin";
    public const string InCallNotification = "notifications/proxy_test/in_call";
    public const string UnsolicitedNotification = "notifications/proxy_test/unsolicited";
    private const string MetadataPath = "/.well-known/oauth-protected-resource/mcp";

    private readonly Func<string, string, IReadOnlyCollection<string>?> _validate;
    private readonly ConcurrentQueue<McpHttpRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _expired = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _getStream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<McpServer> _session = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private ProtectedSdkMcpServer(Func<string, string, IReadOnlyCollection<string>?> validate) => _validate = validate;

    /// <summary>Gets the MCP endpoint, which is also the resource identifier: <c>http://127.0.0.1:PORT/mcp</c>.</summary>
    public string Resource => Origin + "/mcp";

    /// <summary>Gets every request to the MCP endpoint so far, in arrival order.</summary>
    public IReadOnlyList<McpHttpRequest> Requests => [.. _requests];

    /// <summary>Completes when a client has opened the GET stream for server-initiated messages.</summary>
    public Task GetStreamOpened => _getStream.Task;

    private string Origin { get; set; } = "";

    /// <param name="issuer">The authorization server the metadata names.</param>
    /// <param name="validate">Checks a bearer token for a resource: its scopes, or <see langword="null"/> if it is not valid.</param>
    public static async Task<ProtectedSdkMcpServer> StartAsync(string issuer, Func<string, string, IReadOnlyCollection<string>?> validate)
    {
        var server = new ProtectedSdkMcpServer(validate);
        (server._app, Uri baseUri) = await LoopbackHost.StartAppAsync(
            builder => builder.Services
                .AddRouting()
                .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "proxy-test-server", Version = "1.0.0" })
                .WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.Stateful)
                .WithTools(
                [
                    McpServerTool.Create((string message) => message, new() { Name = "echo" }),
                    McpServerTool.Create(() => "admin ok", new() { Name = "admin" }),
                    McpServerTool.Create(server.NotifyAsync, new() { Name = "notify" }),
                ]),
            app =>
            {
                app.MapGet(MetadataPath, () => Results.Json(new JsonObject
                {
                    ["resource"] = server.Resource,
                    ["authorization_servers"] = new JsonArray(issuer),
                    ["scopes_supported"] = new JsonArray(ToolsScope, AdminScope),
                }));
                app.Use(server.AuthorizeAsync);
                app.MapMcp("/mcp");
            });
        server.Origin = baseUri.GetLeftPart(UriPartial.Authority);
        return server;
    }

    /// <summary>From now on, every token presented so far is treated as expired (a 401 <c>invalid_token</c>), as when the
    /// clock passes its <c>exp</c>.</summary>
    public void ExpireTokensSeenSoFar()
    {
        foreach (McpHttpRequest request in _requests)
        {
            if (request.Token is { } token)
            {
                _expired[token] = true;
            }
        }
    }

    /// <summary>Sends <see cref="UnsolicitedNotification"/> on the session of the last <c>notify</c> call, outside any request
    /// (so on the GET stream).</summary>
    public async Task SendUnsolicitedAsync()
    {
        McpServer session = await _session.Task.WaitAsync(TestTimeouts.Default);
        await session.SendNotificationAsync(UnsolicitedNotification);
    }

    public ValueTask DisposeAsync() => LoopbackHost.StopAsync(_app);

    private async Task<string> NotifyAsync(McpServer server, CancellationToken cancellationToken)
    {
        await server.SendNotificationAsync(InCallNotification, cancellationToken);
        _session.TrySetResult(server);
        return "notified";
    }

    private async Task AuthorizeAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/mcp", StringComparison.Ordinal) || context.Request.Path.StartsWithSegments("/.well-known"))
        {
            await next(context);
            return;
        }

        string? header = context.Request.Headers.Authorization;
        string? token = header?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true ? header[7..].Trim() : null;
        IReadOnlyCollection<string>? scopes = token is null || _expired.ContainsKey(token) ? null : _validate(token, Resource);
        string challenge = $"Bearer resource_metadata=\"{Origin}{MetadataPath}\", scope=\"{ToolsScope}\"";
        if (scopes is null || !scopes.Contains(ToolsScope))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = token is null ? challenge : challenge + ", error=\"invalid_token\"";
        }
        else if (!scopes.Contains(AdminScope) && await CallsToolAsync(context.Request, "admin"))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer resource_metadata=\"{Origin}{MetadataPath}\", scope=\"{ToolsScope} {AdminScope}\", error=\"insufficient_scope\"";
        }
        else
        {
            if (HttpMethods.IsGet(context.Request.Method))
            {
                _getStream.TrySetResult();
            }

            Record(context, token, StatusCodes.Status200OK);
            await next(context);
            return;
        }

        Record(context, token, context.Response.StatusCode);
    }

    private void Record(HttpContext context, string? token, int status) => _requests.Enqueue(new McpHttpRequest(
        context.Request.Method,
        context.Request.Headers["Mcp-Session-Id"].FirstOrDefault(),
        context.Request.Headers["MCP-Protocol-Version"].FirstOrDefault(),
        token,
        status));

    /// <summary>Whether a POST is a <c>tools/call</c> of the named tool (the body is buffered, so the SDK still reads it).</summary>
    private static async Task<bool> CallsToolAsync(HttpRequest request, string tool)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        request.EnableBuffering();
        JsonNode? body = await JsonNode.ParseAsync(request.Body);
        request.Body.Position = 0;
        return (string?)body?["method"] == "tools/call" && (string?)body?["params"]?["name"] == tool;
    }
}
