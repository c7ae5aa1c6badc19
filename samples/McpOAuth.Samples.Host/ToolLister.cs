using McpOAuth.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace McpOAuth.Samples.Host;

/// <summary>The MCP server this sample connects to.</summary>
internal sealed record McpServerEndpoint(Uri Uri);

/// <summary>Connects to the MCP server with the "mcp" <see cref="HttpClient"/> (which signs in when the server asks), lists
/// its tools, and stops the host.</summary>
internal sealed class ToolLister(
    McpServerEndpoint server,
    [FromKeyedServices("mcp")] IMcpOAuthProvider oauth,
    IHttpClientFactory httpClients,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ToolLister>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            HttpClient http = httpClients.CreateClient("mcp");
            var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.Uri }, http, loggerFactory);
            // Sign in before connecting: the MCP SDK's handshake has short timeouts (a 5-second server/discover probe, then 60 s
            // to initialize) that a person in a browser easily exceeds. The handler still renews tokens and answers challenges.
            if (await oauth.GetAccessTokenAsync(server.Uri, stoppingToken) is null)
            {
                await oauth.SignInAsync(server.Uri, cancellationToken: stoppingToken);
            }

            await using McpClient client = await McpClient.CreateAsync(transport, loggerFactory: loggerFactory, cancellationToken: stoppingToken);
            foreach (McpClientTool tool in await client.ListToolsAsync(cancellationToken: stoppingToken))
            {
                Console.WriteLine($"{tool.Name}: {tool.Description}");
            }
        }
        catch (McpOAuthException ex)
        {
            _logger.LogError("Sign-in failed ({Code}): {Message}", ex.Code, ex.Message);
            Environment.ExitCode = 2;
        }
        catch (Exception ex) when (ex is HttpRequestException or ModelContextProtocol.McpException)
        {
            _logger.LogError("Could not reach the MCP server: {Message}", ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
