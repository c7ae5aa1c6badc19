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

        // The 2025-03-26 scenarios (no protected resource metadata) need the legacy fallback, which the library leaves off by
        // default; a real client opts in the same way for a server it knows to be a 2025-03-26 one.
        options.AllowLegacyDiscovery = scenario.StartsWith("auth/2025-03-26-", StringComparison.Ordinal);

        if (scenario == "auth/basic-cimd")
        {
            options.Client.ClientMetadataDocumentUri = new Uri(CimdClientId);
        }

        // The context decides the credentials and the grant. The same {client_id, client_secret} means the authorization code
        // grant in auth/pre-registration (whose context binds the client to an issuer) and the client credentials grant in
        // auth/client-credentials-basic (no issuer). The library itself never switches a secret to client credentials for
        // a server named only by metadata unless the client is bound to that issuer.
        options.Client.ClientId = context["client_id"];
        if (context["private_key_pem"] is not null || (context["client_secret"] is not null && context["issuer"] is null && context["idp_id_token"] is null))
        {
            options.GrantType = McpOAuthGrantType.ClientCredentials;
        }

        options.Client.ClientSecret = context["client_secret"];
        options.Client.Issuer = context["issuer"];
        bool credentialConfigured = context["client_secret"] is not null || context["private_key_pem"] is not null
            || context["valid_jwt"] is not null || context["idp_id_token"] is not null;
        if (options.Client.Issuer is null && credentialConfigured)
        {
            options.Client.Issuer = await ScenarioIssuer.DiscoverAsync(serverUri, cancellationToken);
        }
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
