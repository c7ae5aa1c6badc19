using System.ComponentModel;
using ModelContextProtocol.Server;

namespace McpOAuth.Client.Benchmarks.Loopback;

/// <summary>The one tool of the benchmark MCP server.</summary>
[McpServerToolType]
public sealed class EchoTool
{
    [McpServerTool(Name = "echo"), Description("Returns the text it is given.")]
    public static string Echo([Description("The text to return.")] string text) => text;
}
