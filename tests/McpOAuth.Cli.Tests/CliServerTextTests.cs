using FluentAssertions.Execution;

namespace McpOAuth.Cli.Tests;

/// <summary>Text a server chose (a dynamic client id, a granted scope, an OAuth error) reaches the terminal escaped: a hostile
/// server cannot retitle the window, clear the screen or hide text with ESC sequences (issue 10 item 0, LOG-03).</summary>
public sealed class CliServerTextTests
{
    private const string Esc = "\u001b";
    private const string HostileClientId = "client-\u001b]0;owned\u0007-\u001b[2J";
    private const string HostileScope = "\u001b[8mhidden";

    [Fact]
    public async Task LoginAndStatus_HostileClientIdAndScope_PrintedEscaped()
    {
        TestAuthorizationServer? server = null;
        await using CliRig rig = await CliRig.StartAsync(o =>
        {
            o.GrantScope = _ => "mcp:read " + HostileScope;
            o.MutateRegistrationResponse = response =>
            {
                // The server answers with a client id of its own choosing, and honours it.
                server!.AddClient(new TestClientRegistration
                {
                    ClientId = HostileClientId,
                    RedirectUris = [.. response["redirect_uris"]!.AsArray().Select(n => n!.GetValue<string>())],
                });
                response["client_id"] = HostileClientId;
            };
        });
        server = rig.Authorization;

        CliOutcome login = await rig.LoginAsync("--store-dir", rig.Temp.Path);
        CliOutcome status = await CliHarness.RunAsync("status", "--store-dir", rig.Temp.Path);
        CliOutcome json = await CliHarness.RunAsync("status", "--json", "--store-dir", rig.Temp.Path);

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(0, login.ToString());
            login.StandardOutput.Should().Contain(@"client client-\u001b]0;owned\u0007-\u001b[2J)").And.Contain(@"\u001b[8mhidden");
            status.StandardOutput.Should().Contain(@"  client: client-\u001b]0;owned\u0007-\u001b[2J").And.Contain(@"\u001b[8mhidden");
            json.StandardOutput.Should().Contain(@"client-\u001B]0;owned\u0007-\u001B[2J", "JSON escapes control characters itself");
            foreach (CliOutcome run in new[] { login, status, json })
            {
                (run.StandardOutput + run.StandardError).Should().NotContain(Esc).And.NotContain("\u0007");
            }
        }
    }

    [Fact]
    public async Task Login_HostileOAuthError_PrintedEscapedAndExitsFour()
    {
        await using CliRig rig = await CliRig.StartAsync(o =>
        {
            o.AuthorizeError = "access_denied\u001b[31m";
            o.AuthorizeErrorDescription = "denied\u001b[2J\u001b[Hlooks like a prompt $ ";
        });

        CliOutcome login = await rig.LoginAsync("--store-dir", rig.Temp.Path, "--verbose");

        using (new AssertionScope())
        {
            login.ExitCode.Should().Be(4, login.ToString());
            login.StandardError.Should().Contain(@"\u001b[31m");
            (login.StandardOutput + login.StandardError).Should().NotContain(Esc);
        }
    }
}
