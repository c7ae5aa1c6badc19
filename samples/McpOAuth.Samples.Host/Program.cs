using McpOAuth.Samples.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A generic-host client: McpOAuth.Client through dependency injection, the MCP C# SDK in a hosted service.
//   dotnet run --project samples/McpOAuth.Samples.Host -- https://mcp.example.com/mcp
//   dotnet run --project samples/McpOAuth.Samples.Host -- --Mcp:ServerUri=https://mcp.example.com/mcp [--Mcp:ClientId=ID]
// Settings come from the usual configuration sources too (appsettings.json, MCP__SERVERURI, ...).
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
string? server = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? builder.Configuration["Mcp:ServerUri"];
if (!Uri.TryCreate(server, UriKind.Absolute, out Uri? serverUri))
{
    Console.Error.WriteLine("usage: McpOAuth.Samples.Host <mcp-server-url>   (or --Mcp:ServerUri=<url>)");
    return 64;
}

builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning); // keep the sign-in's own log lines readable

// The options name is the HttpClient name: AddMcpOAuthHandler() on the "mcp" client uses the "mcp" options.
builder.Services.AddMcpOAuth("mcp", o =>
{
    o.ServerUri = serverUri;
    o.Client.ClientId = builder.Configuration["Mcp:ClientId"];
    o.Client.ClientName = "McpOAuth.Samples.Host";
});
builder.Services.AddHttpClient("mcp").AddMcpOAuthHandler();
builder.Services.AddSingleton(new McpServerEndpoint(serverUri));
builder.Services.AddHostedService<ToolLister>();

using IHost host = builder.Build();
await host.RunAsync();
return Environment.ExitCode;
