using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using McpOAuth.Client.Tests.TestServers.Providers;

namespace McpOAuth.Cli.Tests;

/// <summary>Issue 12 item 4 through the CLI: each provider recipe of docs/providers.md as <c>mcp-oauth</c> arguments, against
/// the same loopback emulations as the library tests: login, a token the emulated MCP server accepts, a refresh by
/// <c>token</c> without a browser where the provider issues refresh tokens, and logout; and the default attempts whose errors
/// name the flag that fixes them.</summary>
public sealed class CliProviderTests
{
    public static TheoryData<string> Providers => ["Entra", "GitHub", "Auth0", "Keycloak", "Google", "Okta", "Cloudflare"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Recipe_LoginTokenRefreshLogout(string name)
    {
        await using ProviderEmulation provider = await ProviderEmulation.StartAsync(name);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();
        string store = temp.Combine("store");
        string[] recipe = [.. Recipe(provider), "--store-dir", store];

        CliOutcome login = await CliHarness.RunAsync(["login", provider.McpServer.McpEndpoint, .. recipe], browser);
        CliOutcome token = await CliHarness.RunAsync(["token", provider.McpServer.McpEndpoint, .. For("token", recipe)], browser: null);

        string issued = token.StandardOutput.Trim();
        using (new AssertionScope(name))
        {
            login.ExitCode.Should().Be(0, login.ToString());
            token.ExitCode.Should().Be(0, token.ToString());
            (await McpAcceptsAsync(provider, issued)).Should().BeTrue("the emulated MCP server accepts the token mcp-oauth prints");
        }

        if (provider.IssuesRefreshTokens)
        {
            ExpireStoredAccessToken(store);
            CliOutcome refreshed = await CliHarness.RunAsync(["token", provider.McpServer.McpEndpoint, .. For("token", recipe)], browser: null);
            using (new AssertionScope(name))
            {
                refreshed.ExitCode.Should().Be(0, refreshed.ToString());
                refreshed.StandardOutput.Trim().Should().NotBe(issued);
                (await McpAcceptsAsync(provider, refreshed.StandardOutput.Trim())).Should().BeTrue();
                provider.AuthorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
                browser.LaunchCount.Should().Be(1, "token never opens a browser");
            }
        }

        CliOutcome logout = await CliHarness.RunAsync(["logout", provider.McpServer.McpEndpoint, .. For("logout", recipe)], browser: null);
        CliOutcome status = await CliHarness.RunAsync("status", "--store-dir", store);
        using (new AssertionScope(name))
        {
            logout.ExitCode.Should().Be(0, logout.ToString());
            status.StandardOutput.Should().Contain("No stored logins");
        }
    }

    [Theory]
    [InlineData("Entra", new string[0], "--allow-missing-pkce-metadata")]
    [InlineData("Entra", new[] { "--allow-missing-pkce-metadata" }, "--client-id")]
    [InlineData("Entra", new[] { "--allow-missing-pkce-metadata", "--client-id", EntraEmulation.ClientId, "--scope", "offline_access" }, "--no-resource")]
    [InlineData("GitHub", new[] { "--allow-missing-pkce-metadata" }, "--client-secret-env")]
    [InlineData("Keycloak", new string[0], "--client-id")]
    [InlineData("Okta", new string[0], "--client-id")]
    public async Task DefaultAttempt_ErrorNamesTheFlagThatFixesIt(string name, string[] flags, string remedy)
    {
        await using ProviderEmulation provider = await ProviderEmulation.StartAsync(name);
        using var browser = new ScriptedBrowser();
        using var temp = new TempDirectory();
        string[] args = [.. flags, "--store-dir", temp.Path];
        if (flags.Contains("--client-id"))
        {
            args = [.. args, "--issuer", provider.AuthorizationServer.Issuer];
        }

        CliOutcome login = await CliHarness.RunAsync(["login", provider.McpServer.McpEndpoint, .. args], browser);

        using (new AssertionScope(name))
        {
            login.ExitCode.Should().BeOneOf([1, 4], login.ToString());
            login.StandardError.Should().Contain(remedy);
        }
    }

    /// <summary>The recipe's arguments, with the secret in a variable of this test's own.</summary>
    private static string[] Recipe(ProviderEmulation provider) =>
        provider.SecretVariable is { } secret
            ? [.. provider.CliRecipe.Select(a => a == secret.Name ? CliHarness.SecretVariable(secret.Value) : a)]
            : [.. provider.CliRecipe];

    /// <summary>The flags of a login recipe that token and logout take: the client, its secret and issuer, and (token)
    /// --no-resource.</summary>
    private static string[] For(string command, string[] recipe)
    {
        string[] withValue = ["--client-id", "--client-secret-env", "--issuer", "--store-dir"];
        var kept = new List<string>();
        for (int i = 0; i < recipe.Length; i++)
        {
            if (withValue.Contains(recipe[i]))
            {
                kept.Add(recipe[i]);
                kept.Add(recipe[++i]);
            }
            else if (recipe[i] == "--no-resource" && command == "token")
            {
                kept.Add(recipe[i]);
            }
            else if (recipe[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < recipe.Length && !recipe[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                i++; // a login-only flag and its value
            }
        }

        return [.. kept];
    }

    private static async Task<bool> McpAcceptsAsync(ProviderEmulation provider, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, provider.McpServer.McpUri)
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static void ExpireStoredAccessToken(string store)
    {
        string file = Directory.GetFiles(store, "*.json").Should().ContainSingle().Which;
        var document = (JsonObject)JsonNode.Parse(File.ReadAllText(file))!;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        document["obtained_at"] = now - 7200;
        document["expires_at"] = now - 3600;
        File.WriteAllText(file, document.ToJsonString());
    }
}
