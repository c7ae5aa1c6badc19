using System.Security.Cryptography;
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

        // The context decides the credentials; the library chooses the grant from them and the server's grant_types_supported
        // (the same {client_id, client_secret} means the authorization code grant in auth/pre-registration and the client
        // credentials grant in auth/client-credentials-basic).
        options.Client.ClientId = context["client_id"];
        options.Client.ClientSecret = context["client_secret"];
        options.Client.Issuer = context["issuer"];
        if (context["private_key_pem"] is { } pem)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            options.Client.ClientAssertionKey = key;
        }

        if (context["valid_jwt"] is { } workloadJwt)
        {
            // Workload identity: the platform-issued JWT. The suite's wrong-audience and expired JWTs are never offered.
            options.AssertionProvider = (_, _) => ValueTask.FromResult(workloadJwt);
        }

        if (context["idp_id_token"] is { } idToken)
        {
            options.EnterpriseManaged.TokenEndpoint = new Uri(context["idp_token_endpoint"]!);
            options.EnterpriseManaged.ClientId = context["idp_client_id"];
            options.EnterpriseManaged.IdTokenProvider = (_, _) => ValueTask.FromResult(idToken);
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
