using System.Diagnostics;
using System.Net;
using System.Text.Json;
using McpOAuth.Client;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpOAuth.Demo;

/// <summary>The demo itself: every step of an MCP sign-in through McpOAuth.Client, against in-process demo servers.</summary>
internal static class Walkthrough
{
    // Short-lived access tokens make the refresh step real and quick: the library renews a token RefreshSkew before it expires.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RefreshSkew = TimeSpan.FromSeconds(3);

    // The sign-in runs inside the MCP client's first request, so the SDK's handshake timeouts (a 5-second server/discover
    // probe, 60 s to initialize) and HttpClient.Timeout (100 s) must leave the user time to click Approve.
    private static readonly TimeSpan SignInTimeout = Approval.BrowserWait + TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(bool autoApprove, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        (bool useBrowser, string browser) = Approval.Decide(autoApprove);
        await using DemoAuthorizationServer authorizationServer = await DemoAuthorizationServer.StartAsync(TokenLifetime);
        await using DemoMcpServer mcpServer = await DemoMcpServer.StartAsync(authorizationServer);
        var serverUri = new Uri(mcpServer.Resource);
        string storeDirectory = Path.Combine(Path.GetTempPath(), "mcpoauth-demo-" + Guid.NewGuid().ToString("N")[..8]);

        Narrator.Write("McpOAuth.Client demo: a complete MCP sign-in, on 127.0.0.1 only.");
        Narrator.Line($"authorization server  {authorizationServer.Issuer}  (demo; ES256 JWT access tokens live {TokenLifetime.TotalSeconds:0} s, refresh tokens rotate)");
        Narrator.Line($"MCP server            {serverUri}  (ModelContextProtocol.AspNetCore; tools echo and whoami)");
        Narrator.Line($"token store           {storeDirectory}  (FileTokenStore; deleted at the end)");
        Narrator.Line($"browser               {browser}");
        try
        {
            using var store = new FileTokenStore(storeDirectory);
            var options = new McpOAuthOptions
            {
                ServerUri = serverUri,
                RefreshSkew = RefreshSkew,
                AuthorizationTimeout = SignInTimeout,
                LaunchBrowser = new Approval(useBrowser, authorizationServer).LaunchAsync,
                OnProgress = ReportStage,
            };
            options.Client.ClientName = "McpOAuth.Client demo";
            IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store);
            using var http = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = new SocketsHttpHandler() }) { Timeout = SignInTimeout * 2 };

            Narrator.Step("Connect with the official MCP C# SDK: HttpClientTransport over an HttpClient with McpOAuthHandler");
            var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = serverUri, TransportMode = HttpTransportMode.StreamableHttp }, http);
            await using (McpClient client = await McpClient.CreateAsync(transport, new McpClientOptions { DiscoverProbeTimeout = Timeout.InfiniteTimeSpan, InitializationTimeout = SignInTimeout * 2 }, cancellationToken: cancellationToken))
            {
                Narrator.Step("Tool calls, signed in (the handler resent the first request with the new token)");
                IList<McpClientTool> tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
                Narrator.Line($"tools/list → {string.Join(", ", tools.Select(t => t.Name))}");
                Narrator.Line($"echo → {await CallAsync(client, "echo", "hello through OAuth", cancellationToken)}");
                Narrator.Line($"whoami → {await CallAsync(client, "whoami", null, cancellationToken)}");

                Narrator.Step("Status, read from the token store");
                TokenSet before = await ShowStatusAsync(store, storeDirectory, cancellationToken);

                Narrator.Step("Refresh");
                TimeSpan skew = RefreshSkew < TokenLifetime / 2 ? RefreshSkew : TokenLifetime / 2;
                // The file store keeps whole seconds, so its expiry can be up to 1 s earlier than the one the provider holds.
                TimeSpan due = before.ExpiresAt!.Value.AddSeconds(1) - skew - TimeProvider.System.GetUtcNow();
                Narrator.Line($"The library renews an access token RefreshSkew ({skew.TotalSeconds:0} s) before it expires; this one is due within {Math.Max(0, due.TotalSeconds):0.0} s.");
                Narrator.Line("Waiting until then, and calling whoami again:");
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due + TimeSpan.FromMilliseconds(100), cancellationToken);
                }

                Narrator.Line($"whoami → {await CallAsync(client, "whoami", null, cancellationToken)}");
                TokenSet after = (await store.ListAsync(cancellationToken)).Single();
                Check(after.AccessToken != before.AccessToken, "a new access token was used");
                Check(after.RefreshToken is not null && after.RefreshToken != before.RefreshToken, "the refresh token was rotated");
            }

            Narrator.Step("Sign out: SignOutAsync revokes the tokens at the authorization server and deletes them locally");
            TokenSet last = (await store.ListAsync(cancellationToken)).Single();
            SignOutResult result = await provider.SignOutAsync(serverUri, cancellationToken);
            Narrator.Line($"SignOutResult: {result.Revoked.Count} revoked, {result.Removed.Count} removed, {result.RevocationFailures.Count} failures; "
                + $"the store now holds {(await store.ListAsync(cancellationToken)).Count} credentials");
            Check(result.Revoked.Count == 1 && result.RevocationFailures.Count == 0, "the credential was revoked");
            Check(await provider.GetAccessTokenAsync(serverUri, cancellationToken) is null, "the provider holds no token any more");

            using var raw = new HttpClient();
            using HttpResponseMessage refresh = await raw.PostAsync(new Uri(authorizationServer.Issuer + "/token"), new FormUrlEncodedContent(
                [new("grant_type", "refresh_token"), new("refresh_token", last.RefreshToken!), new("client_id", last.ClientId)]), cancellationToken);
            string error = JsonDocument.Parse(await refresh.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("error").GetString()!;
            Narrator.Line($"Refreshing with the revoked refresh token → {(int)refresh.StatusCode} {error}");
            Check(refresh.StatusCode == HttpStatusCode.BadRequest && error == "invalid_grant", "the revoked refresh token is refused");

            using var ping = new HttpRequestMessage(HttpMethod.Post, serverUri) { Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""") };
            ping.Headers.Authorization = new("Bearer", last.AccessToken);
            using HttpResponseMessage rejected = await raw.SendAsync(ping, cancellationToken);
            Narrator.Line($"Calling the MCP server with the revoked access token → {(int)rejected.StatusCode}");
            Check(rejected.StatusCode == HttpStatusCode.Unauthorized, "the revoked access token is refused");

            Narrator.Write($"{Environment.NewLine}Done in {clock.Elapsed.TotalSeconds:0.0} s: every step worked.");
            return 0;
        }
        catch (Exception ex) when (FindOAuthError(ex) is { } oauth)
        {
            Narrator.Write(oauth.Code == McpOAuthErrorCode.AuthorizationDenied
                ? $"{Environment.NewLine}Access was denied on the consent page; the library reported {oauth.Code}. Run again and click Approve."
                : $"{Environment.NewLine}Sign-in failed: {oauth.Code}: {oauth.Message}");
            return oauth.Code == McpOAuthErrorCode.AuthorizationDenied ? 3 : 1;
        }
        catch (DemoCheckFailedException ex)
        {
            Narrator.Write($"{Environment.NewLine}FAILED: expected {ex.Message}.");
            return 1;
        }
        finally
        {
            if (Directory.Exists(storeDirectory))
            {
                Directory.Delete(storeDirectory, recursive: true);
            }
        }
    }

    /// <summary>Keeps the demo servers running so the other samples can use them.</summary>
    public static async Task<int> ServeAsync(CancellationToken cancellationToken)
    {
        await using DemoAuthorizationServer authorizationServer = await DemoAuthorizationServer.StartAsync(TimeSpan.FromMinutes(5));
        await using DemoMcpServer mcpServer = await DemoMcpServer.StartAsync(authorizationServer);
        Narrator.Write($"""
            Demo authorization server  {authorizationServer.Issuer}  (approve in your browser; JWKS at /jwks)
            Demo MCP server            {mcpServer.Resource}

            Try, in another terminal:
              dotnet run --project samples/McpOAuth.Samples.Console -- {mcpServer.Resource}
              dotnet run --project samples/McpOAuth.Samples.Host -- {mcpServer.Resource}
              dotnet run --project samples/McpOAuth.Samples.ProtectedServer -- --Auth:Authority={authorizationServer.Issuer} --Auth:MetadataAddress={authorizationServer.Issuer}/.well-known/oauth-authorization-server
            Press Ctrl+C to stop.

            """);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static void ReportStage(McpOAuthStage stage)
    {
        switch (stage)
        {
            case McpOAuthStage.Discovering:
                Narrator.Step("Discovery (library stage: Discovering)");
                break;
            case McpOAuthStage.Registering:
                Narrator.Step("Client registration, RFC 7591 (library stage: Registering)");
                break;
            case McpOAuthStage.WaitingForBrowser:
                Narrator.Step("Browser: the user approves (library stage: WaitingForBrowser)");
                break;
            case McpOAuthStage.ExchangingCode:
                Narrator.Step("Token: the code is exchanged (library stage: ExchangingCode)");
                break;
            default:
                Narrator.Line($"library stage: {stage}");
                break;
        }
    }

    private static async Task<TokenSet> ShowStatusAsync(FileTokenStore store, string directory, CancellationToken cancellationToken)
    {
        TokenSet tokens = (await store.ListAsync(cancellationToken)).Single();
        Narrator.Line($"resource    {tokens.Resource}");
        Narrator.Line($"issuer      {tokens.Issuer}");
        Narrator.Line($"client      {tokens.ClientId} ({tokens.Registration?.Kind} registration)");
        Narrator.Line($"scopes      {string.Join(' ', tokens.Scopes)}");
        Narrator.Line($"expires in  {(tokens.ExpiresAt!.Value - TimeProvider.System.GetUtcNow()).TotalSeconds:0.0} s; refresh token held: {tokens.RefreshToken is not null}");
        foreach (string file in Directory.GetFiles(directory))
        {
            string mode = OperatingSystem.IsWindows() ? "" : $" (mode {Convert.ToString((int)File.GetUnixFileMode(file), 8)})";
            Narrator.Line($"file        {Path.GetFileName(file)}{mode}");
        }

        return tokens;
    }

    private static async Task<string> CallAsync(McpClient client, string tool, string? message, CancellationToken cancellationToken)
    {
        Dictionary<string, object?>? arguments = message is null ? null : new() { ["message"] = message };
        CallToolResult result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        return string.Join(" ", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
    }

    private static void Check(bool condition, string expectation)
    {
        if (!condition)
        {
            throw new DemoCheckFailedException(expectation);
        }

        Narrator.Line($"ok: {expectation}");
    }

    /// <summary>The library's exception, wherever the MCP SDK wrapped it.</summary>
    private static McpOAuthException? FindOAuthError(Exception? ex) =>
        ex is null ? null : ex as McpOAuthException ?? FindOAuthError(ex.InnerException);

    private sealed class DemoCheckFailedException(string expectation) : Exception(expectation);
}
