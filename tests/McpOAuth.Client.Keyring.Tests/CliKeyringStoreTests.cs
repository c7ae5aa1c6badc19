using System.Reflection;
using FluentAssertions.Execution;
using McpOAuth.Client.Tests.RealServer;

namespace McpOAuth.Client.Keyring.Tests;

/// <summary><c>mcp-oauth --store keyring</c> as a real process against a real Secret Service (issue 10 item 1, issue 11 item 4):
/// <c>status</c> lists a login another process stored in the keyring and says how it is protected; <c>logout</c> deletes it
/// from the keyring even though the (unreachable) server cannot revoke it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliKeyringStoreTests
{
    [SecretServiceFact]
    public async Task StatusAndLogout_StoreKeyring_ListTheKeyringLoginThenDeleteIt()
    {
        await using SecretServiceSession session = await SecretServiceSession.StartAsync();
        WriterResult set = await session.KeyringAsync("set", "{store}", "4");

        (int statusExit, string status) = await CliAsync(session, "status", "--store", "keyring", "--store-dir", session.StoreDirectory);
        (int logoutExit, string logout) = await CliAsync(session, "logout", StoreGenerations.Key.Resource, "--store", "keyring", "--store-dir", session.StoreDirectory);
        WriterResult after = await session.KeyringAsync("get", "{store}");

        using (new AssertionScope())
        {
            set.Lines.Should().Equal(["set 4"], set.Transcript);
            statusExit.Should().Be(0, status);
            status.Should().Contain(StoreGenerations.Key.Resource).And.Contain("protection: Linux Secret Service")
                .And.NotContain("rt.4").And.NotContain("at.4");
            logoutExit.Should().Be(5, "signed out locally, but the server at 127.0.0.1:8 could not revoke: " + logout);
            after.Lines.Should().Equal(["absent"], after.Transcript);
        }
    }

    private static Task<(int ExitCode, string Output)> CliAsync(SecretServiceSession session, params string[] arguments) =>
        session.RunToolAsync(null, "dotnet", [CliPath, .. arguments]);

    private static string CliPath
    {
        get
        {
            string configuration = typeof(CliKeyringStoreTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "McpOAuth.Client.sln")))
                {
                    return Path.Combine(dir, "src", "McpOAuth.Cli", "bin", configuration, "net10.0", "mcp-oauth.dll");
                }
            }

            throw new InvalidOperationException("McpOAuth.Client.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
