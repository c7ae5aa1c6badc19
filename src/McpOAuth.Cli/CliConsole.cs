using McpOAuth.Client;

namespace McpOAuth.Cli;

/// <summary>What the CLI runs in: its standard streams, whether standard error is a terminal, the clock and the browser.</summary>
internal sealed class CliConsole
{
    /// <summary>Gets standard input (the pasted redirect of <c>login --no-browser</c>), opened on first use.</summary>
    public required Func<TextReader> In { get; init; }

    /// <summary>Gets standard output: results only (for <c>token</c>, nothing but the token).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Gets standard error: progress, prompts and errors.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Gets whether standard error is a terminal, where progress is a spinner redrawn in place.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Gets the clock of the progress display.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the browser launcher; the default is the system browser.</summary>
    public Func<BrowserLaunchContext, CancellationToken, ValueTask> Browser { get; init; } = SystemBrowserLauncher.LaunchAsync;

    /// <summary>The process's own console.</summary>
    public static CliConsole System() => new()
    {
        In = static () => Console.In, // Console.In sets up the terminal: only login --no-browser needs it.
        Out = Console.Out,
        Error = Console.Error,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };
}
