using System.Security.Claims;
using System.Text.RegularExpressions;
using McpOAuth.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ModelContextProtocol.Client;

namespace McpOAuth.Samples.WebApp;

/// <summary>The sample's pages: a demo-only sign-in, the user's MCP tools, and signing out of the MCP server.</summary>
internal static partial class SampleEndpoints
{
    public static void Map(WebApplication app, SampleArguments arguments)
    {
        app.MapGet("/login", LoginAsync);
        app.MapGet("/tools", (HttpContext context, IHttpClientFactory http, ILoggerFactory logs, CancellationToken cancellationToken) =>
            ToolsAsync(context, http, logs, arguments.McpServer, cancellationToken)).RequireAuthorization();
        app.MapGet("/logout-mcp", (HttpContext context, [FromKeyedServices("mcp")] IMcpOAuthProvider oauth, CancellationToken cancellationToken) =>
            LogoutMcpAsync(context, oauth, arguments.McpServer, cancellationToken)).RequireAuthorization();
    }

    /// <summary>DEMO ONLY: signs the browser in as whoever it claims to be. A real application authenticates its users (OpenID
    /// Connect, Identity, ...); McpOAuth.Client only needs the signed-in user's stable id (the <c>sub</c> claim here).</summary>
    private static async Task<IResult> LoginAsync(HttpContext context, string? user)
    {
        if (user is null || !UserName().IsMatch(user))
        {
            return Results.BadRequest("user must be 1-64 letters, digits, '.', '_' or '-'.");
        }

        var identity = new ClaimsIdentity([new Claim("sub", user), new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Text($"Signed in as {user} (demo-only sign-in: anyone can be anyone here).\n");
    }

    /// <summary>Lists the MCP server's tools as the signed-in user, through the official MCP SDK over an HttpClient whose
    /// McpOAuthHandler attaches this user's token. A user without one gets McpOAuthSignInRequiredException, which
    /// <c>UseMcpOAuth()</c> turns into a 302 to the authorization server (or a JSON 401 for API callers).</summary>
    private static async Task<IResult> ToolsAsync(HttpContext context, IHttpClientFactory http, ILoggerFactory logs, Uri server, CancellationToken cancellationToken)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server }, http.CreateClient("mcp"), logs);
        await using McpClient client = await McpClient.CreateAsync(transport, loggerFactory: logs, cancellationToken: cancellationToken);
        IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        return Results.Json(new ToolsPage(UserOf(context), [.. tools.Select(t => t.Name)]));
    }

    /// <summary>Revokes (RFC 7009, when the server offers it) and deletes the signed-in user's credential for the MCP server.</summary>
    private static async Task<IResult> LogoutMcpAsync(HttpContext context, IMcpOAuthProvider oauth, Uri server, CancellationToken cancellationToken)
    {
        SignOutResult result = await oauth.SignOutAsync(server, cancellationToken);
        return Results.Json(new LogoutPage(UserOf(context), result.Removed.Count, result.Revoked.Count));
    }

    private static string UserOf(HttpContext context) => context.User.FindFirstValue("sub") ?? string.Empty;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex UserName();

    private sealed record ToolsPage(string User, IReadOnlyList<string> Tools);

    private sealed record LogoutPage(string User, int Removed, int Revoked);
}
