namespace McpOAuth.Cli.Tests;

/// <summary>What one in-process run of the CLI printed, and its exit code.</summary>
internal sealed record CliOutcome(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit code {ExitCode}\n[out]\n{StandardOutput}\n[err]\n{StandardError}";
}

/// <summary>Runs <see cref="CliApp.RunAsync"/> in this process with captured standard streams, a scripted browser instead of
/// the system one, and the store in a directory of the test's choosing.</summary>
internal static class CliHarness
{
    public static Task<CliOutcome> RunAsync(params string[] args) => RunAsync(args, browser: null);

    public static async Task<CliOutcome> RunAsync(string[] args, ScriptedBrowser? browser, TextReader? stdin = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole
        {
            In = () => stdin ?? TextReader.Null,
            Out = stdout,
            Error = stderr,
            Browser = (context, cancellationToken) => browser is null
                ? throw new InvalidOperationException("This test opens no browser.")
                : browser.LaunchAsync(context.AuthorizationUri, cancellationToken),
        };

        int exitCode = await CliApp.RunAsync(args, console, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        return new CliOutcome(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Sets an environment variable with a unique name for a client secret and returns the name.</summary>
    public static string SecretVariable(string secret)
    {
        string name = "MCP_OAUTH_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, secret);
        return name;
    }
}
