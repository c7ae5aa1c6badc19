using McpOAuth.Client;
using ModelContextProtocol.Client;

namespace McpOAuth.Demo;

/// <summary>The demo pointed at a real MCP server: sign in with the system browser, then list the server's tools.</summary>
internal static class RealServer
{
    public static async Task<int> SignInAndListToolsAsync(Uri serverUri, CancellationToken cancellationToken)
    {
        var options = new McpOAuthOptions
        {
            ServerUri = serverUri,
            OnProgress = stage => Console.WriteLine($"  {stage}"),
            LaunchBrowser = async (context, ct) =>
            {
                Console.WriteLine($"  Opening your browser to sign in at {context.AuthorizationUri.GetLeftPart(UriPartial.Path)}");
                try
                {
                    await SystemBrowserLauncher.LaunchAsync(context, ct);
                }
                catch (McpOAuthException ex) when (ex.Code == McpOAuthErrorCode.BrowserLaunchFailed)
                {
                    // This machine's own sign-in URL; the redirect comes back to a listener on this machine.
                    Console.WriteLine($"  No browser could be started. Open this URL on this machine to sign in:{Environment.NewLine}  {context.AuthorizationUri}");
                }
            },
        };
        options.Client.ClientName = "McpOAuth.Client demo";
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options);
        using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() });

        Console.WriteLine($"Connecting to {serverUri} ...");
        try
        {
            // Sign in first: the MCP SDK's handshake has short timeouts (a 5-second server/discover probe, then 60 s to
            // initialize) that a person in a browser easily exceeds. The handler then attaches and renews the tokens.
            await provider.SignInAsync(serverUri, cancellationToken: cancellationToken);
            var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = serverUri }, http);
            await using McpClient client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
            IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
            Console.WriteLine($"Signed in. {client.ServerInfo?.Name ?? "The server"} has {tools.Count} tools:");
            foreach (McpClientTool tool in tools)
            {
                Console.WriteLine($"  {tool.Name}: {tool.Description}");
            }

            return 0;
        }
        catch (McpOAuthException ex)
        {
            Console.Error.WriteLine($"Sign-in failed ({ex.Code}): {ex.Message}");
            return 2;
        }
    }
}
