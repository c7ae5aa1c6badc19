using System.Net;

namespace McpOAuth.Samples.WebApp;

/// <summary>The sample's command line: <c>--urls</c> is ASP.NET Core's own; the others are read here.</summary>
internal sealed record SampleArguments(Uri PublicUrl, Uri McpServer, string? Redis)
{
    public const string Usage =
        "usage: McpOAuth.Samples.WebApp --urls http://127.0.0.1:PORT --public-url URL --mcp-server URL [--redis HOST:PORT]";

    public static SampleArguments? Read(IConfiguration configuration, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(configuration["public-url"], UriKind.Absolute, out Uri? publicUrl))
        {
            problem = "--public-url must be an absolute URL (the origin users' browsers reach, the same for every instance).";
            return null;
        }

        if (!Uri.TryCreate(configuration["mcp-server"], UriKind.Absolute, out Uri? mcpServer))
        {
            problem = "--mcp-server must be the MCP server's absolute URL.";
            return null;
        }

        string? redis = configuration["redis"];
        if (redis is not null && !IPEndPointLike(redis))
        {
            problem = "--redis must be HOST:PORT.";
            return null;
        }

        return new SampleArguments(publicUrl, mcpServer, redis);
    }

    /// <summary>Whether the MCP server runs on this machine (development): then the private-network refusal exempts loopback.</summary>
    public bool McpServerIsLoopback =>
        McpServer.IsLoopback || (IPAddress.TryParse(McpServer.IdnHost, out IPAddress? address) && IPAddress.IsLoopback(address));

    private static bool IPEndPointLike(string value)
    {
        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value.AsSpan(colon + 1), out int port) && port is > 0 and < 65536;
    }
}
