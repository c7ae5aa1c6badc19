using System.CommandLine;
using System.CommandLine.Invocation;
using McpOAuth.Cli.Commands;
using McpOAuth.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpOAuth.Cli;

/// <summary>mcp-oauth: parses with <see cref="CliSyntax"/>, runs one command, and turns failures into the documented exit codes.
/// Every OAuth step goes through the library's public API.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var syntax = new CliSyntax();

        // No command: the help on standard output, and the usage-error exit code.
        syntax.Root.SetAction(_ =>
        {
            CliHelp.Write(syntax.Root, syntax.Root, console.Out);
            return ExitCodes.Usage;
        });
        foreach (Command command in syntax.Root.Subcommands)
        {
            command.SetAction((parsed, ct) => RunCommandAsync(syntax.Bind(parsed), console, ct));
        }

        // "mcp-oauth help [command]" is "mcp-oauth [command] --help".
        ParseResult result = syntax.Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args);
        if (result.Action is ParseErrorAction)
        {
            return CliHelp.ReportErrors(syntax.Root, result, console.Error);
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program.cs turns Ctrl+C into cancellation; the sign-in then ends with exit code 4.
        };
        return await result.InvokeAsync(invocation, cancellationToken);
    }

    private static async Task<int> RunCommandAsync(CliArguments cli, CliConsole console, CancellationToken cancellationToken)
    {
        // Logging costs start-up time (a service provider, the console logger), so it exists only with --verbose.
        using ILoggerFactory? logging = cli.Verbose ? CreateVerboseLogging() : null;
        try
        {
            return cli.Command switch
            {
                "login" => await LoginCommand.RunAsync(cli, console, logging, cancellationToken),
                "token" => await TokenCommand.RunAsync(cli, console, logging, cancellationToken),
                "status" => await StatusCommand.RunAsync(cli, console, cancellationToken),
                "proxy" => await RunProxyAsync(cli, console, logging, cancellationToken),
                _ => await LogoutCommand.RunAsync(cli, console, logging, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("mcp-oauth: cancelled.");
            return ExitCodes.AuthorizationFailed;
        }
        catch (Exception ex) when (ex is McpOAuthException or UsageException or OptionsValidationException
            or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            return await ReportAsync(ex, cli.Verbose, console.Error);
        }
    }

    /// <summary>SIGTERM and Ctrl+C are how a host stops a stdio server: a clean shutdown (the session is ended), exit code 0.</summary>
    private static async Task<int> RunProxyAsync(CliArguments cli, CliConsole console, ILoggerFactory? logging, CancellationToken cancellationToken)
    {
        try
        {
            return await ProxyCommand.RunAsync(cli, console, logging, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }

    private static async Task<int> ReportAsync(Exception ex, bool verbose, TextWriter stderr)
    {
        switch (ex)
        {
            case McpOAuthException oauth:
                await stderr.WriteLineAsync($"mcp-oauth: {CliText.SafeMessage(oauth.Message)}");
                if (verbose)
                {
                    await stderr.WriteLineAsync(
                        $"  code: {oauth.Code}; error: {CliText.Safe(oauth.Error)}; {oauth.InnerException?.GetType().Name}: {CliText.Safe(oauth.InnerException?.Message)}");
                }

                return oauth switch
                {
                    { Code: McpOAuthErrorCode.ReauthenticationRequired } => ExitCodes.LoginRequired,
                    McpOAuthAuthorizationException => ExitCodes.AuthorizationFailed,
                    _ => ExitCodes.Failure,
                };
            case UsageException:
                await stderr.WriteLineAsync($"mcp-oauth: {CliText.SafeMessage(ex.Message)}");
                return ExitCodes.Usage;
            case OptionsValidationException invalid:
                await stderr.WriteLineAsync($"mcp-oauth: invalid options: {CliText.SafeMessage(string.Join("; ", invalid.Failures))}");
                return ExitCodes.Usage;
            default:
                await stderr.WriteLineAsync($"mcp-oauth: {CliText.SafeMessage(ex.Message)}");
                return ExitCodes.Failure;
        }
    }

    /// <summary>Debug-level logs of the library, one line each, all on standard error (standard output stays for results).</summary>
    private static ILoggerFactory CreateVerboseLogging() => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Debug)
            .AddFilter("Microsoft", LogLevel.Warning);
    });
}
