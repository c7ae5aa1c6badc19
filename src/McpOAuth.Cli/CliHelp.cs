using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace McpOAuth.Cli;

/// <summary>Help and usage errors: System.CommandLine's help for the command, followed by the store location and the exit
/// codes; a usage error is <c>mcp-oauth: message</c> on standard error, then that help, and exit code 2.</summary>
internal static class CliHelp
{
    public const string Footer = """
        The token store: --store (else $MCP_OAUTH_STORE) file, keyring or redis://HOST[:PORT][/DB]; the file store's
        directory defaults to $MCP_OAUTH_STORE_DIR, else $XDG_CONFIG_HOME/mcp-oauth (~/.config/mcp-oauth).
        Exit codes: 0 success, 1 failure, 2 usage error, 3 login required, 4 sign-in denied, cancelled or
        timed out, 5 signed out locally but revocation at the server failed.
        Shell completion: see the README (mcp-oauth answers the [suggest] directive).
        """;

    /// <summary>Makes every <c>--help</c> (and <c>-h</c>, <c>-?</c>) end with <see cref="Footer"/>.</summary>
    public static void AddFooter(RootCommand root)
    {
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        help.Action = new FooterHelpAction((HelpAction)help.Action!);
    }

    /// <summary>Writes the help of <paramref name="command"/> (the root or one of its commands) and the footer.</summary>
    public static void Write(RootCommand root, Command command, TextWriter writer)
    {
        string[] args = command == root ? ["--help"] : [command.Name, "--help"];
        root.Parse(args).Invoke(new InvocationConfiguration { Output = writer, Error = writer });
    }

    /// <summary>Reports the parse errors of <paramref name="result"/> and the help of the command they belong to.</summary>
    /// <returns>The usage-error exit code.</returns>
    public static int ReportErrors(RootCommand root, ParseResult result, TextWriter stderr)
    {
        foreach (string message in result.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            stderr.WriteLine($"mcp-oauth: {message}");
        }

        stderr.WriteLine();
        Write(root, result.CommandResult.Command, stderr);
        return ExitCodes.Usage;
    }

    private sealed class FooterHelpAction : SynchronousCommandLineAction
    {
        private readonly HelpAction _help;

        public FooterHelpAction(HelpAction help) => _help = help;

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            _help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(Footer);
            return ExitCodes.Success;
        }
    }
}
