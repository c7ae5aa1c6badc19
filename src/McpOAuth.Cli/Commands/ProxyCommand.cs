using McpOAuth.Cli.Proxy;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli.Commands;

/// <summary><c>mcp-oauth proxy</c>: a stdio MCP server that relays every message to a remote, OAuth-protected Streamable HTTP
/// MCP server, signing in on first need like <c>login</c> (browser, <c>--no-browser</c> or <c>--device</c>). Standard output
/// carries the protocol only; prompts and progress go to standard error.</summary>
internal static class ProxyCommand
{
    public static Task<int> RunAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        // Standard input carries the protocol, so a redirect pasted back for --no-browser is read from the terminal, if any.
        var proxyConsole = new CliConsole
        {
            In = OpenTerminal,
            Out = TextWriter.Null,
            Error = console.Error,
            ErrorIsTerminal = console.ErrorIsTerminal,
            Time = console.Time,
            Browser = console.Browser,
        };
        return CliProvider.RunAsync(
            cli,
            proxyConsole,
            logging,
            interactive: true,
            (options, progress) =>
            {
                SignInPrompts.Configure(options, cli, proxyConsole, progress);
                foreach (string scope in cli.Scopes)
                {
                    options.Scopes.Add(scope); // on top of what the server's challenges ask for
                }
            },
            provider => McpProxy.RunAsync(provider, cli, console.Error, logging, cancellationToken));
    }

    /// <summary>The controlling terminal (<c>/dev/tty</c>), or an empty reader when there is none, as under an MCP host: the
    /// sign-in then completes through the loopback redirect alone.</summary>
    private static TextReader OpenTerminal()
    {
        try
        {
            return OperatingSystem.IsWindows() ? TextReader.Null : new StreamReader(new FileStream("/dev/tty", FileMode.Open, FileAccess.Read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return TextReader.Null;
        }
    }
}
