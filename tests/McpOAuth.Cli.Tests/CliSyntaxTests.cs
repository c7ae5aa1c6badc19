using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests;

/// <summary>The System.CommandLine parser of mcp-oauth: documented flags bind as before, the new flags of issue 12 item 3 bind
/// and are checked, and every mistake is a usage error (exit code 2) named on standard error with the command's help.</summary>
public sealed class CliSyntaxTests
{
    private const string Url = "https://mcp.example.com/mcp";

    [Fact]
    public void Bind_EveryLoginFlag_BindsItsValue()
    {
        var syntax = new CliSyntax();

        CliArguments cli = syntax.Bind(syntax.Parse([
            "login", Url, "--scope", "a b", "--scope", "c", "--client-id", "cid", "--client-secret-env", "VAR",
            "--issuer", "https://as.example.com", "--callback-port", "8765", "--no-browser", "--store-dir", "/tmp/s", "--json",
            "--verbose", "--no-resource", "--allow-missing-pkce-metadata", "--auth-param", "audience=api://x", "--auth-param", "prompt=",
        ]));

        using (new AssertionScope())
        {
            cli.Command.Should().Be("login");
            cli.ServerUri.Should().Be(new Uri(Url));
            cli.Scopes.Should().Equal("a", "b", "c");
            cli.ClientId.Should().Be("cid");
            cli.ClientSecretEnv.Should().Be("VAR");
            cli.Issuer.Should().Be("https://as.example.com", "the issuer is kept exactly as typed, without a trailing slash");
            cli.CallbackPort.Should().Be(8765);
            cli.NoBrowser.Should().BeTrue();
            cli.Device.Should().BeFalse();
            cli.StoreDir.Should().Be("/tmp/s");
            cli.Json.Should().BeTrue();
            cli.Verbose.Should().BeTrue();
            cli.NoResource.Should().BeTrue();
            cli.AllowMissingPkceMetadata.Should().BeTrue();
            cli.AuthParameters.Should().Equal(new KeyValuePair<string, string>("audience", "api://x"), new KeyValuePair<string, string>("prompt", string.Empty));
        }
    }

    [Fact]
    public void Bind_NoFlags_DefaultsSendResourceAndRequirePkceMetadata()
    {
        var syntax = new CliSyntax();

        CliArguments cli = syntax.Bind(syntax.Parse(["token", Url]));

        using (new AssertionScope())
        {
            cli.NoResource.Should().BeFalse();
            cli.AllowMissingPkceMetadata.Should().BeFalse();
            cli.AuthParameters.Should().BeEmpty();
            cli.Issuer.Should().BeNull();
            cli.Scopes.Should().BeEmpty();
        }
    }

    [Fact]
    public void Bind_AuthParamValueWithEquals_SplitsAtTheFirstOne()
    {
        var syntax = new CliSyntax();

        CliArguments cli = syntax.Bind(syntax.Parse(["login", Url, "--auth-param", "claims={\"a\":\"b=c\"}"]));

        cli.AuthParameters.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("claims", "{\"a\":\"b=c\"}"));
    }

    [Fact]
    public void Parse_DoubleDash_TakesTheRestAsArguments()
    {
        var syntax = new CliSyntax();

        CliArguments cli = syntax.Bind(syntax.Parse(["token", "--store-dir", "/tmp/s", "--", Url]));

        cli.ServerUri.Should().Be(new Uri(Url));
        cli.StoreDir.Should().Be("/tmp/s");
    }

    [Fact]
    public void Parse_AtSign_IsNotAResponseFile()
    {
        var syntax = new CliSyntax();

        CliArguments cli = syntax.Bind(syntax.Parse(["login", Url, "--client-id", "@/etc/passwd"]));

        cli.ClientId.Should().Be("@/etc/passwd", "an argument starting with @ is a value, never a file to read");
    }

    [Theory]
    [InlineData("Required argument 'server-url' missing for command: 'login'", "login")]
    [InlineData("server-url", "token")]
    [InlineData("'logout' needs a server URL or --all", "logout")]
    [InlineData("'logout' takes a server URL or --all, not both", "logout", "--all", Url)]
    [InlineData("is not an http or https URL", "login", "ftp://example.com/mcp")]
    [InlineData("--callback-port takes a port number from 1 to 65535", "login", Url, "--callback-port", "0")]
    [InlineData("--callback-port takes a port number from 1 to 65535", "login", Url, "--callback-port", "65536")]
    [InlineData("--device and --no-browser", "login", Url, "--device", "--no-browser")]
    [InlineData("--auth-param takes NAME=VALUE with a non-empty name, not '=v'", "login", Url, "--auth-param", "=v")]
    [InlineData("--auth-param takes NAME=VALUE with a non-empty name, not 'audience'", "login", Url, "--auth-param", "audience")]
    [InlineData("--auth-param names 'a' twice", "login", Url, "--auth-param", "a=1", "--auth-param", "a=2")]
    [InlineData("--issuer takes the authorization server's issuer URL", "login", Url, "--client-id", "c", "--issuer", "not a url")]
    [InlineData("--issuer names the authorization server of --client-id", "token", Url, "--issuer", "https://as.example.com")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("Unrecognized command or argument '--device'", "token", Url, "--device")]
    [InlineData("unknown option '--scope'", "token", "--scope", "x")]
    [InlineData("--scope", "login", Url, "--scope")]
    public async Task RunAsync_UsageMistake_ExitsTwoNamingItWithTheCommandsHelp(string expected, params string[] args)
    {
        CliOutcome outcome = await CliHarness.RunAsync(args);

        using (new AssertionScope())
        {
            outcome.ExitCode.Should().Be(2, outcome.ToString());
            outcome.StandardOutput.Should().BeEmpty();
            outcome.StandardError.Should().StartWith("mcp-oauth: ").And.Contain(expected).And.Contain("Usage:").And.Contain("Exit codes:");
        }
    }
}
