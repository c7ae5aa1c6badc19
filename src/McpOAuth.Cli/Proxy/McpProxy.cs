using McpOAuth.Client;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpOAuth.Cli.Proxy;

/// <summary>The two ends of <c>mcp-oauth proxy</c>, both the official MCP SDK's transports: <see cref="StdioServerTransport"/>
/// towards the host, and the Streamable HTTP session of <see cref="HttpClientTransport"/> towards the remote server, over an
/// <see cref="HttpClient"/> whose <see cref="McpOAuthHandler"/> signs in, refreshes and steps up as the server demands.</summary>
/// <remarks>The remote transport carries the <c>Mcp-Session-Id</c> and <c>MCP-Protocol-Version</c> headers it learns from the
/// handshake, reads server messages from POST responses and the GET stream, and ends the session with a DELETE when it is
/// disposed.</remarks>
internal static class McpProxy
{
    /// <summary>The name of the proxy in the SDK's logs.</summary>
    public const string Name = "mcp-oauth proxy";

    public static async Task<int> RunAsync(
        IMcpOAuthProvider provider, CliArguments cli, TextWriter stderr, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        var handler = new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() };

        // No overall timeout: the GET stream lasts as long as the session, and a sign-in has its own (AuthorizationTimeout).
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var remoteOptions = new HttpClientTransportOptions
        {
            Endpoint = cli.ServerUri!,
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = Name,
        };
        await using var remoteTransport = new HttpClientTransport(remoteOptions, http, logging, ownsHttpClient: false);
        ITransport remote = await remoteTransport.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var host = new StdioServerTransport(Name, logging);

        var relay = new McpMessageRelay(host, remote, stderr);
        RelayEnd end = await relay.RunAsync(remote.DisposeAsync, cancellationToken).ConfigureAwait(false);
        if (end == RelayEnd.RemoteClosed)
        {
            await stderr.WriteLineAsync($"mcp-oauth proxy: the remote MCP server ended the session ({cli.ServerUri}).").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }
}
