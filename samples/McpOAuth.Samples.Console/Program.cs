using McpOAuth.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

// Connects to an MCP server that requires OAuth and lists its tools:
//   dotnet run --project samples/McpOAuth.Samples.Console -- https://mcp.example.com/mcp [--client-id ID] [--no-di]
// The first request gets a 401; McpOAuthHandler discovers the authorization server, registers (or uses --client-id),
// opens the browser, receives the callback on 127.0.0.1 and retries with the token.
// --no-di builds the same thing without dependency injection: McpOAuthProviderFactory.Create and new McpOAuthHandler.
if (args.Length == 0 || !Uri.TryCreate(args[0], UriKind.Absolute, out Uri? serverUri))
{
    Console.Error.WriteLine("usage: McpOAuth.Samples.Console <mcp-server-url> [--client-id ID] [--no-di]");
    return 64;
}

string? clientId = args.SkipWhile(a => a != "--client-id").Skip(1).FirstOrDefault();

void Configure(McpOAuthOptions o)
{
    o.ServerUri = serverUri;
    o.Client.ClientId = clientId;
    o.LaunchBrowser = (context, _) =>
    {
        // The system browser is the default; printing the URL too helps on machines without one.
        Console.Error.WriteLine($"Opening the browser to sign in at {context.AuthorizationUri.GetLeftPart(UriPartial.Path)} ...");
        return SystemBrowserLauncher.LaunchAsync(context, CancellationToken.None);
    };
}

if (args.Contains("--no-di"))
{
    using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
    var options = new McpOAuthOptions();
    Configure(options);
    IMcpOAuthProvider oauth = McpOAuthProviderFactory.Create(options, loggerFactory: loggerFactory);
    using var noDiHttp = new HttpClient(new McpOAuthHandler(oauth) { InnerHandler = new SocketsHttpHandler() });
    return await ListToolsAsync(noDiHttp, oauth, loggerFactory);
}

var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
services.AddMcpOAuth("mcp", Configure);
services.AddHttpClient("mcp").AddMcpOAuthHandler();

await using ServiceProvider provider = services.BuildServiceProvider();
HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("mcp");
return await ListToolsAsync(http, provider.GetRequiredKeyedService<IMcpOAuthProvider>("mcp"), provider.GetRequiredService<ILoggerFactory>());

async Task<int> ListToolsAsync(HttpClient http, IMcpOAuthProvider oauth, ILoggerFactory logging)
{
    var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = serverUri }, http, logging);
    try
    {
        // Sign in before connecting: the MCP SDK's handshake has short timeouts (a 5-second server/discover probe, then 60 s
        // to initialize) that a person in a browser easily exceeds. The handler still renews tokens and answers challenges.
        if (await oauth.GetAccessTokenAsync(serverUri) is null)
        {
            await oauth.SignInAsync(serverUri);
        }

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
}
