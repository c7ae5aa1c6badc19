using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace McpOAuth.Client.ConformanceClient;

/// <summary>Connects to the scenario's MCP server through McpOAuthHandler and runs list + call.</summary>
internal static class ConformanceRun
{
    /// <summary>The URL the suite expects as the client id in auth/basic-cimd (used for no other scenario).</summary>
    private const string CimdClientId = "https://conformance-test.local/client-metadata.json";

    public static async Task RunAsync(Uri serverUri, string scenario, string protocolVersion, ScenarioContext context, CancellationToken cancellationToken)
    {
        using ILoggerFactory logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(Environment.GetEnvironmentVariable("CONFORMANCE_CLIENT_VERBOSE") == "1" ? LogLevel.Debug : LogLevel.Warning));
        // Console logs go to stderr so stdout stays clean.
        using var launcher = new RedirectFollowingLauncher();

        var options = new McpOAuthOptions
        {
            ServerUri = serverUri,
            AllowHttpOnLoopback = true, // The suite's servers are http://localhost.
            AuthorizationTimeout = TimeSpan.FromSeconds(20),
            HttpTimeout = TimeSpan.FromSeconds(10),
            LaunchBrowser = launcher.LaunchAsync,
        };

        if (scenario == "auth/basic-cimd")
        {
            options.Client.ClientMetadataDocumentUri = new Uri(CimdClientId);
        }

        if (context["client_id"] is { } clientId && scenario == "auth/pre-registration")
        {
            options.Client.ClientId = clientId;
            options.Client.ClientSecret = context["client_secret"];
            options.Client.Issuer = context["issuer"];
        }

        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, loggerFactory: logging);
        using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

        if (protocolVersion == StatelessMcpClient.ProtocolVersion)
        {
            // The official SDK speaks the stateful wire; the stateless 2026-07-28 wire is spoken here over the same
            // HttpClient, since the handler, not the MCP wire, is what is under test.
            var stateless = new StatelessMcpClient(http, serverUri);
            await stateless.ListToolsAsync(cancellationToken);
            await stateless.CallToolAsync("test-tool", cancellationToken);
            return;
        }

        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = serverUri, TransportMode = HttpTransportMode.StreamableHttp },
            http,
            logging,
            ownsHttpClient: false);
        McpClient client = await McpClient.CreateAsync(transport, loggerFactory: logging, cancellationToken: cancellationToken);
        await using (client)
        {
            await client.ListToolsAsync(cancellationToken: cancellationToken);
            await client.CallToolAsync("test-tool", new Dictionary<string, object?>(), cancellationToken: cancellationToken);
        }
    }
}
