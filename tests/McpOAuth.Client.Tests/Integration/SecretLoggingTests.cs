using System.Net;
using System.Text;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>LOG-01: nothing secret reaches a log line or an exception, raw, URL-encoded or base64.</summary>
public sealed class SecretLoggingTests : ServerPairTest
{
    // LOG-01, RS-06, AUTH-45: a full flow with a confidential DCR client, then a refresh, with every category at Trace.
    [Fact]
    public async Task SendAsync_FullFlowAndRefreshAtTrace_LogsNoSecret()
    {
        var issued = new List<string>();
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.TokenEndpointAuthMethodsSupported = ["client_secret_post"];
            o.MutateTokenResponse = body => issued.Add(body["refresh_token"]!.GetValue<string>());
            o.MutateRegistrationResponse = body => issued.Add(body["client_secret"]!.GetValue<string>());
        });
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, loggerFactory: loggerFactory);

        mcpServer.RevokeAllTokens();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        BrowserNavigation navigation = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);
        List<string> secrets = [.. issued];
        secrets.AddRange(authorizationServer.IssuedAccessTokens.Select(t => t.Token));
        secrets.AddRange(authorizationServer.TokenRequests.SelectMany(r => new[] { r.FormValue("code"), r.FormValue("code_verifier"), r.FormValue("refresh_token") }).OfType<string>());
        secrets.AddRange(authorizationServer.AuthorizeRequests.Select(r => r.QueryValue("state")).OfType<string>());
        secrets.Add(navigation.RedirectLocation!.Query.TrimStart('?'));
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            secrets.Should().HaveCountGreaterThanOrEqualTo(9);
            logs.Lines.Should().NotBeEmpty();
            AssertNoSecret(logs.Lines, secrets);
        }
    }

    // LOG-01, CB-08: a sign-in that fails after the code arrived (iss mismatch): neither the exception nor the logs carry
    // the code, the state or the callback query.
    [Fact]
    public async Task SendAsync_SignInRejectedAfterCallback_ExceptionAndLogsCarryNoCodeOrState()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.IssInRedirect = IssRedirectMode.Custom;
            o.IssInRedirectValue = "http://127.0.0.1:1/attacker";
        });
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        using var client = McpClientHarness.Create(loggerFactory: loggerFactory);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthException failure = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        BrowserNavigation navigation = await client.Browser.WaitForNavigationAsync().WaitAsync(McpClientHarness.HangGuard);
        var callback = navigation.RedirectLocation!;
        string[] secrets =
        [
            callback.Query.TrimStart('?'),
            .. callback.Query.TrimStart('?').Split('&')
                .Where(p => p.StartsWith("code=", StringComparison.Ordinal) || p.StartsWith("state=", StringComparison.Ordinal))
                .Select(p => Uri.UnescapeDataString(p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..])),
        ];
        using (new AssertionScope())
        {
            secrets.Should().HaveCount(3);
            AssertNoSecret([failure.ToString(), .. logs.Lines], secrets);
        }
    }

    private static void AssertNoSecret(IEnumerable<string> texts, IEnumerable<string> secrets)
    {
        string all = string.Join("\n", texts);
        foreach (string secret in secrets.Where(s => s.Length > 0).Distinct())
        {
            foreach (string form in new[] { secret, Uri.EscapeDataString(secret), WebUtility.UrlEncode(secret), Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)) })
            {
                all.Should().NotContain(form, "a secret must not be logged (it starts with {0})", secret[..Math.Min(6, secret.Length)]);
            }
        }
    }
}
