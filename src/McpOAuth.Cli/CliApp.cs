using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpOAuth.Client;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Cli;

/// <summary>mcp-oauth: every OAuth step goes through the library's public API; this class only parses and prints.</summary>
internal static class CliApp
{
    public const string Usage = """
        usage:
          mcp-oauth login <server-url> [--scope S]... [--client-id ID] [--client-secret-env VAR]
                          [--callback-port N] [--no-browser] [--store-dir DIR] [--json] [--verbose]
                          [--device]
                          (--no-browser: print the URL and accept the redirected URL pasted back;
                           --device: RFC 8628 device authorization, approve on any device with a code)
          mcp-oauth token <server-url> [--client-id ID --client-secret-env VAR] [--store-dir DIR] [--verbose]
          mcp-oauth status [--json] [--store-dir DIR]
          mcp-oauth logout <server-url> | --all [--client-id ID --client-secret-env VAR] [--store-dir DIR] [--verbose]

        The token store defaults to $MCP_OAUTH_STORE_DIR, else $XDG_CONFIG_HOME/mcp-oauth (~/.config/mcp-oauth).
        Exit codes: 0 success, 1 failure, 2 usage error, 3 login required, 4 sign-in denied, cancelled or
        timed out, 5 signed out locally but revocation at the server failed.
        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        CliArguments cli;
        try
        {
            cli = CliArguments.Parse(args);
        }
        catch (UsageException ex)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                await stdout.WriteLineAsync(Usage);
                return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
            }

            await stderr.WriteLineAsync($"mcp-oauth: {ex.Message}");
            await stderr.WriteLineAsync(Usage);
            return ExitCodes.Usage;
        }

        using ILoggerFactory logging = LoggerFactory.Create(b =>
        {
            if (cli.Verbose)
            {
                b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
                b.AddFilter("Microsoft", LogLevel.Warning);
            }
        });

        try
        {
            return cli.Command switch
            {
                "login" => await LoginAsync(cli, stdin, stdout, stderr, logging, cancellationToken),
                "token" => await TokenAsync(cli, stdout, stderr, logging, cancellationToken),
                "status" => await StatusAsync(cli, stdout, cancellationToken),
                _ => await LogoutAsync(cli, stdout, stderr, logging, cancellationToken),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("mcp-oauth: cancelled.");
            return ExitCodes.AuthorizationFailed;
        }
        catch (McpOAuthException ex)
        {
            await stderr.WriteLineAsync($"mcp-oauth: {ex.Message}");
            if (cli.Verbose)
            {
                await stderr.WriteLineAsync($"  code: {ex.Code}; error: {ex.Error ?? "(none)"}; {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}");
            }

            return ex switch
            {
                { Code: McpOAuthErrorCode.ReauthenticationRequired } => ExitCodes.LoginRequired,
                McpOAuthAuthorizationException => ExitCodes.AuthorizationFailed,
                _ => ExitCodes.Failure,
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"mcp-oauth: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await stderr.WriteLineAsync($"mcp-oauth: invalid options: {string.Join("; ", ex.Failures)}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            await stderr.WriteLineAsync($"mcp-oauth: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> LoginAsync(CliArguments cli, TextReader stdin, TextWriter stdout, TextWriter stderr, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        McpOAuthOptions options = CreateOptions(cli, interactive: true, stderr, stdin);

        using FileTokenStore store = CreateStore(cli, logging);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, loggerFactory: logging);
        TokenSet tokens = await provider.SignInAsync(cli.ServerUri!, cli.Scopes.Count > 0 ? cli.Scopes : null, cancellationToken);
        if (cli.Json)
        {
            await stdout.WriteLineAsync(Describe(tokens).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            await stdout.WriteLineAsync($"Signed in to {tokens.Resource} (issuer {tokens.Issuer}, client {tokens.ClientId}).");
            await stdout.WriteLineAsync($"  scopes: {(tokens.Scopes.Count == 0 ? "(none)" : string.Join(' ', tokens.Scopes))}; expires: {Format(tokens.ExpiresAt)}; refresh token: {(tokens.RefreshToken is null ? "no" : "yes")}");
        }

        return ExitCodes.Success;
    }

    private static async Task<int> TokenAsync(CliArguments cli, TextWriter stdout, TextWriter stderr, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        McpOAuthOptions options = CreateOptions(cli, interactive: false, stderr, TextReader.Null);
        using FileTokenStore store = CreateStore(cli, logging);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, loggerFactory: logging);
        string? token = await provider.GetAccessTokenAsync(cli.ServerUri!, cancellationToken);
        if (token is null)
        {
            await stderr.WriteLineAsync($"mcp-oauth: no valid login for {cli.ServerUri}; run: mcp-oauth login {cli.ServerUri}");
            return ExitCodes.LoginRequired;
        }

        await stdout.WriteLineAsync(token);
        return ExitCodes.Success;
    }

    private static async Task<int> StatusAsync(CliArguments cli, TextWriter stdout, CancellationToken cancellationToken)
    {
        using FileTokenStore store = CreateStore(cli, null);
        IReadOnlyList<TokenSet> entries = await store.ListAsync(cancellationToken);
        if (cli.Json)
        {
            var array = new JsonArray();
            foreach (TokenSet tokens in entries.OrderBy(t => t.Resource, StringComparer.Ordinal))
            {
                array.Add(Describe(tokens));
            }

            await stdout.WriteLineAsync(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }

        if (entries.Count == 0)
        {
            await stdout.WriteLineAsync($"No stored logins in {store.Directory}.");
            return ExitCodes.Success;
        }

        foreach (TokenSet tokens in entries.OrderBy(t => t.Resource, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync(tokens.Resource);
            await stdout.WriteLineAsync($"  issuer: {tokens.Issuer}");
            await stdout.WriteLineAsync($"  client: {tokens.ClientId}");
            await stdout.WriteLineAsync($"  scopes: {(tokens.Scopes.Count == 0 ? "(none)" : string.Join(' ', tokens.Scopes))}");
            await stdout.WriteLineAsync($"  expires: {Format(tokens.ExpiresAt)}{(tokens.ExpiresAt < TimeProvider.System.GetUtcNow() ? " (expired)" : string.Empty)}");
            await stdout.WriteLineAsync($"  refresh token: {(tokens.RefreshToken is null ? "no" : "yes")}");
        }

        return ExitCodes.Success;
    }

    private static async Task<int> LogoutAsync(CliArguments cli, TextWriter stdout, TextWriter stderr, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        McpOAuthOptions options = CreateOptions(cli, interactive: false, stderr, TextReader.Null);
        options.ServerUri = null; // logout --all spans servers; a URL filter is passed to SignOutAsync instead.
        using FileTokenStore store = CreateStore(cli, logging);
        IMcpOAuthProvider provider = McpOAuthProviderFactory.Create(options, store, loggerFactory: logging);
        SignOutResult result = await provider.SignOutAsync(cli.All ? null : cli.ServerUri, cancellationToken);
        if (result.Removed.Count == 0)
        {
            await stdout.WriteLineAsync(cli.All ? "No stored logins." : $"No stored login for {cli.ServerUri}.");
            return ExitCodes.Success;
        }

        foreach (TokenStoreKey key in result.Removed)
        {
            string outcome = result.RevocationFailures.TryGetValue(key, out string? why)
                ? $"deleted locally; revocation at the server failed ({why})"
                : result.RevocationUnsupported.Contains(key)
                    ? "deleted locally; the server offers no revocation endpoint"
                    : "revoked at the server and deleted";
            await stdout.WriteLineAsync($"Signed out of {key.Resource} (issuer {key.Issuer}): {outcome}.");
        }

        return result.RevocationFailures.Count > 0 ? ExitCodes.RevocationFailed : ExitCodes.Success;
    }

    private static McpOAuthOptions CreateOptions(CliArguments cli, bool interactive, TextWriter stderr, TextReader stdin)
    {
        var options = new McpOAuthOptions
        {
            ServerUri = cli.ServerUri,
            AllowInteractive = interactive,
            CallbackPort = cli.CallbackPort,
            OnProgress = stage => stderr.WriteLine(stage switch
            {
                McpOAuthStage.Discovering => "Discovering the authorization server...",
                McpOAuthStage.Registering => "Registering the client...",
                McpOAuthStage.WaitingForBrowser => "Waiting for the browser...",
                McpOAuthStage.ExchangingCode => "Exchanging the authorization code...",
                _ => "Refreshing the access token...",
            }),
            LaunchBrowser = async (context, token) =>
            {
                await stderr.WriteLineAsync($"Open this URL to sign in:{Environment.NewLine}  {context.AuthorizationUri.AbsoluteUri}");
                if (cli.NoBrowser)
                {
                    // Headless: the browser may be on another machine. Accept the redirected URL pasted back, validated like a
                    // callback; the loopback listener keeps working for a browser on this machine.
                    await stderr.WriteLineAsync($"After approving, paste the full URL your browser was sent to (it starts with {context.RedirectUri.GetLeftPart(UriPartial.Path)}):");
                    _ = ReadPastedRedirectsAsync(context, stdin, stderr);
                    return;
                }

                try
                {
                    await SystemBrowserLauncher.LaunchAsync(context, token);
                }
                catch (McpOAuthException ex)
                {
                    await stderr.WriteLineAsync($"Could not open a browser ({ex.Message}); open the URL above yourself.");
                }
            },
        };
        options.Client.ClientId = cli.ClientId;

        // A confidential client's secret is never stored, so token and logout need it again to refresh or revoke.
        if (cli.ClientSecretEnv is { } variable)
        {
            options.Client.ClientSecret = Environment.GetEnvironmentVariable(variable)
                ?? throw new UsageException($"the environment variable {variable} is not set.");
        }

        if (cli.Device)
        {
            options.UseDeviceAuthorization = true;
            options.ShowDeviceCode = async (device, _) =>
            {
                await stderr.WriteLineAsync($"To sign in, open {device.VerificationUri.AbsoluteUri} on any device and enter the code {device.UserCode}");
                if (device.VerificationUriComplete is { } complete)
                {
                    await stderr.WriteLineAsync($"  (or open {complete.AbsoluteUri})");
                }

                await stderr.WriteLineAsync($"The code expires at {Format(device.ExpiresAt)}.");
            };
        }

        return options;
    }

    private static async Task ReadPastedRedirectsAsync(BrowserLaunchContext context, TextReader stdin, TextWriter stderr)
    {
        while (await stdin.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (context.TrySubmitRedirectedUrl(line))
            {
                return;
            }

            await stderr.WriteLineAsync("That is not the redirect of this sign-in (wrong address or state); paste the full URL again.");
        }
    }

    private static FileTokenStore CreateStore(CliArguments cli, ILoggerFactory? logging) =>
        new(new FileTokenStoreOptions { Directory = cli.StoreDir }, logging?.CreateLogger<FileTokenStore>());

    private static JsonObject Describe(TokenSet tokens) => new()
    {
        ["server"] = tokens.Resource,
        ["issuer"] = tokens.Issuer,
        ["client_id"] = tokens.ClientId,
        ["scopes"] = new JsonArray([.. tokens.Scopes.Select(s => (JsonNode)JsonValue.Create(s)!)]),
        ["expires_at"] = tokens.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
        ["has_refresh_token"] = tokens.RefreshToken is not null,
    };

    private static string Format(DateTimeOffset? instant) =>
        instant?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "unknown";
}
