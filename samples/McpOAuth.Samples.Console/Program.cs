using McpOAuth.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

// Connects to an MCP server that requires OAuth and lists its tools:
//   dotnet run --project samples/McpOAuth.Samples.Console -- https://mcp.example.com/mcp [--client-id ID]
// The first request gets a 401; McpOAuthHandler discovers the authorization server, registers (or uses --client-id),
// opens the browser, receives the callback on 127.0.0.1 and retries with the token.
if (args.Length == 0 || !Uri.TryCreate(args[0], UriKind.Absolute, out Uri? serverUri))
{
    Console.Error.WriteLine("usage: McpOAuth.Samples.Console <mcp-server-url> [--client-id ID]");
    return 64;
}

string? clientId = args.SkipWhile(a => a != "--client-id").Skip(1).FirstOrDefault();

var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
services.AddMcpOAuth("mcp", o =>
{
    o.ServerUri = serverUri;
    o.Client.ClientId = clientId;
    o.LaunchBrowser = (context, _) =>
    {
        // The system browser is the default; printing the URL too helps on machines without one.
        Console.Error.WriteLine($"Opening the browser to sign in at {context.AuthorizationUri.GetLeftPart(UriPartial.Path)} ...");
        return SystemBrowserLauncher.LaunchAsync(context, CancellationToken.None);
    };
});
services.AddHttpClient("mcp").AddMcpOAuthHandler();

await using ServiceProvider provider = services.BuildServiceProvider();
HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp");
ILoggerFactory logging = provider.GetRequiredService<ILoggerFactory>();

var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = serverUri }, http, logging);
try
{
    await using McpClient client = await McpClient.CreateAsync(transport, loggerFactory: logging);
    foreach (McpClientTool tool in await client.ListToolsAsync())
    {
        Console.WriteLine($"{tool.Name}: {tool.Description}");
    }

    return 0;
}
catch (McpOAuthException ex)
{
    Console.Error.WriteLine($"Sign-in failed ({ex.Code}): {ex.Message}");
    return 2;
}
