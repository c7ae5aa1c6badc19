using McpOAuth.Samples.WebApp;
using Microsoft.AspNetCore.Authentication.Cookies;

// A web application that calls an MCP server for each of its signed-in users (issue 11):
//   dotnet run --project samples/McpOAuth.Samples.WebApp -- --urls http://127.0.0.1:PORT --public-url URL --mcp-server URL [--redis HOST:PORT]
// GET /login?user=NAME   demo-only cookie sign-in (a stand-in for real authentication)
// GET /tools             {"user":"NAME","tools":[...]} with NAME's token, else 302 to the authorization server
// GET /oauth/callback    the redirect URI (under --public-url): completes NAME's sign-in and returns to /tools
// GET /logout-mcp        revokes and deletes NAME's credential
// With --redis, every instance shares the sign-ins in progress, the tokens and the Data Protection key ring.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
if (SampleArguments.Read(builder.Configuration, out string? problem) is not { } arguments)
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(SampleArguments.Usage);
    return 64;
}

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
{
    o.Cookie.Name = "mcpoauth-sample";
    o.Events.OnRedirectToLogin = context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized; // No login page: GET /login?user=NAME first.
        return Task.CompletedTask;
    };
});
builder.Services.AddAuthorization();

IMcpOAuthBuilder oauth = builder.Services.AddMcpOAuth("mcp", o =>
{
    o.ServerUri = arguments.McpServer;
    if (arguments.McpServerIsLoopback)
    {
        // Development: the MCP server (and its authorization server) run on this machine, which the web app's strict network
        // policy refuses otherwise.
        o.Network.AllowedHosts.Add(arguments.McpServer.Host);
    }
});
oauth.AddWebApp(o => o.PublicOrigin = arguments.PublicUrl);
builder.Services.AddHttpClient("mcp").AddMcpOAuthHandler();
SampleStorage.Configure(builder, oauth, arguments);

WebApplication app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseMcpOAuth();
SampleEndpoints.Map(app, arguments);
app.MapMcpOAuthCallback();
await app.RunAsync();
return 0;
