using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests;

/// <summary>Help and shell completion: help goes to standard output with exit code 0 (2 when no command was given, as before),
/// ends with the store location and the exit codes, and lists every documented flag; the [suggest] directive that shell
/// completion scripts call answers with commands and flags.</summary>
public sealed class CliHelpTests
{
    [Fact]
    public async Task RunAsync_NoArguments_PrintsHelpOnStandardOutputAndExitsTwo()
    {
        CliOutcome outcome = await CliHarness.RunAsync();

        using (new AssertionScope())
        {
            outcome.ExitCode.Should().Be(2);
            outcome.StandardOutput.Should().Contain("login").And.Contain("token").And.Contain("status").And.Contain("logout").And.Contain("Exit codes:");
            outcome.StandardError.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task RunAsync_Help_PrintsHelpAndExitsZero(string help)
    {
        CliOutcome outcome = await CliHarness.RunAsync(help);

        using (new AssertionScope())
        {
            outcome.ExitCode.Should().Be(0);
            outcome.StandardOutput.Should().Contain("Commands:").And.Contain("$MCP_OAUTH_STORE_DIR")
                .And.Contain("0 success, 1 failure, 2 usage error, 3 login required, 4 sign-in denied");
            outcome.StandardError.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("login", "--scope", "--client-id", "--client-secret-env", "--issuer", "--callback-port", "--no-browser", "--device",
        "--no-resource", "--allow-missing-pkce-metadata", "--auth-param", "--store-dir", "--json", "--verbose")]
    [InlineData("token", "--client-id", "--client-secret-env", "--issuer", "--no-resource", "--store-dir", "--verbose")]
    [InlineData("status", "--json", "--store-dir")]
    [InlineData("logout", "--all", "--client-id", "--client-secret-env", "--issuer", "--store-dir", "--verbose")]
    public async Task RunAsync_CommandHelp_ListsEveryDocumentedFlag(string command, params string[] flags)
    {
        CliOutcome viaOption = await CliHarness.RunAsync(command, "--help");
        CliOutcome viaWord = await CliHarness.RunAsync("help", command);

        using (new AssertionScope())
        {
            viaOption.ExitCode.Should().Be(0);
            viaOption.StandardOutput.Should().Contain($"mcp-oauth {command}").And.ContainAll(flags).And.Contain("Exit codes:");
            viaWord.StandardOutput.Should().Be(viaOption.StandardOutput);
        }
    }

    [Fact]
    public async Task RunAsync_HelpWithOtherwiseBadArguments_StillHelps()
    {
        CliOutcome outcome = await CliHarness.RunAsync("login", "--help");

        outcome.ExitCode.Should().Be(0, "help wins over the missing server URL");
    }

    [Fact]
    public async Task RunAsync_SuggestDirective_CompletesCommandsAndFlags()
    {
        CliOutcome commands = await CliHarness.RunAsync("[suggest:13]", "mcp-oauth log");
        CliOutcome flags = await CliHarness.RunAsync("[suggest:26]", "mcp-oauth login --allow-mi");

        using (new AssertionScope())
        {
            commands.ExitCode.Should().Be(0);
            commands.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("login", "logout");
            flags.StandardOutput.Trim().Should().Be("--allow-missing-pkce-metadata");
        }
    }
}
