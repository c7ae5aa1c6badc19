using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.OidcProvider;

/// <summary>A real, OpenID Certified authorization server (panva's <c>oidc-provider</c>, pinned in
/// <c>tests/oidc-provider/package.json</c>) running as a child <c>node</c> process on 127.0.0.1.</summary>
/// <remarks>
/// The first start in a test run runs <c>tests/oidc-provider/install.sh</c> (an idempotent <c>npm ci</c>) once.
/// The child's standard input is a pipe held by this object: when it closes (dispose, or the test host dying) the
/// server exits. State (clients, grants, tokens, keys) is in memory and dies with the process.
/// </remarks>
public sealed class OidcProviderServer : IAsyncDisposable
{
    private const int MaxLogLines = 2000;

    private static readonly Lazy<Task<string>> NodeBinary = new(InstallAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    private int _disposed;

    private OidcProviderServer(Process process, ConcurrentQueue<string> log, string issuer, OidcProviderOptions options)
    {
        _process = process;
        _log = log;
        Issuer = issuer;
        BaseUri = new Uri(issuer + "/");
        Options = options;
    }

    /// <summary>Gets the issuer identifier, exactly <c>http://127.0.0.1:PORT</c> (no trailing slash).</summary>
    public string Issuer { get; }

    /// <summary>Gets the issuer with a trailing slash, for building endpoint URLs.</summary>
    public Uri BaseUri { get; }

    /// <summary>Gets the options the server was started with.</summary>
    public OidcProviderOptions Options { get; }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port => BaseUri.Port;

    /// <summary>Gets the OpenID discovery document URL.</summary>
    public Uri OpenIdConfigurationUri => new(BaseUri, ".well-known/openid-configuration");

    /// <summary>Gets the RFC 8414 metadata URL (a 404 when <see cref="OidcProviderOptions.ServeOAuthAuthorizationServerMetadata"/> is off).</summary>
    public Uri OAuthAuthorizationServerMetadataUri => new(BaseUri, ".well-known/oauth-authorization-server");

    /// <summary>Gets the authorization endpoint (oidc-provider's default route).</summary>
    public Uri AuthorizationEndpoint => new(BaseUri, "auth");

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(BaseUri, "token");

    /// <summary>Gets the dynamic client registration endpoint (open: no initial access token).</summary>
    public Uri RegistrationEndpoint => new(BaseUri, "reg");

    /// <summary>Gets the JWKS endpoint.</summary>
    public Uri JwksUri => new(BaseUri, "jwks");

    /// <summary>Gets the revocation endpoint (RFC 7009).</summary>
    public Uri RevocationEndpoint => new(BaseUri, "token/revocation");

    /// <summary>Gets the introspection endpoint (RFC 7662).</summary>
    public Uri IntrospectionEndpoint => new(BaseUri, "token/introspection");

    /// <summary>Gets what the server printed so far (stdout and stderr, interleaved; a request log of paths and
    /// statuses, without query strings), for assertion messages.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Installs (once per test run) and starts the server, and waits for its <c>READY</c> line.</summary>
    /// <param name="options">The configuration; <see langword="null"/> for the defaults.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The install failed, or the server exited or did not become ready in
    /// time; the message carries its output.</exception>
    public static async Task<OidcProviderServer> StartAsync(OidcProviderOptions? options = null)
    {
        options ??= new OidcProviderOptions();
        var node = await NodeBinary.Value;
        var directory = ProviderDirectory();

        var startInfo = RealServer.ChildProcess.RedirectedStartInfo(node, [Path.Combine(directory, "server.mjs")]);
        startInfo.WorkingDirectory = directory;
        var env = startInfo.Environment;
        env["PORT"] = options.Port.ToString(CultureInfo.InvariantCulture);
        env["ACCESS_TOKEN_TTL"] = options.AccessTokenTtlSeconds.ToString(CultureInfo.InvariantCulture);
        env["REFRESH_TOKEN_TTL"] = options.RefreshTokenTtlSeconds.ToString(CultureInfo.InvariantCulture);
        env["ACCESS_TOKEN_ALG"] = options.AccessTokenAlgorithm;
        env["MCP_RESOURCES"] = string.Join(' ', options.Resources);
        env["MCP_SCOPES"] = options.Scopes;
        env["OAUTH_METADATA"] = options.ServeOAuthAuthorizationServerMetadata ? "1" : "0";
        env["OFFLINE_ACCESS_IMPLIES_CONSENT"] = options.OfflineAccessImpliesConsent ? "1" : "0";
        env.Remove("NODE_OPTIONS");

        var log = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(log, e.Data);
            if (e.Data.StartsWith("READY ", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data["READY ".Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Append(log, e.Data);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(
            new InvalidOperationException($"oidc-provider exited before it was ready.\n{string.Join('\n', log)}"));

        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {node}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = (OidcProviderServer?)null;
        try
        {
            string issuer;
            try
            {
                issuer = await ready.Task.WaitAsync(options.StartupTimeout);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException(
                    $"oidc-provider did not print READY within {options.StartupTimeout}.\n{string.Join('\n', log)}");
            }

            server = new OidcProviderServer(process, log, issuer, options);
            return server;
        }
        finally
        {
            if (server is null)
            {
                Kill(process);
                process.Dispose();
            }
        }
    }

    /// <summary>Creates a browser that drives this server's login and consent pages.</summary>
    /// <returns>A new browser with its own cookie jar.</returns>
    public OidcBrowser CreateBrowser() => new(BaseUri);

    /// <summary>Creates a validator for this server's JWT access tokens (it fetches the JWKS).</summary>
    /// <param name="cancellationToken">Cancels the JWKS fetch.</param>
    /// <returns>The validator.</returns>
    public Task<OidcJwtValidator> CreateJwtValidatorAsync(CancellationToken cancellationToken = default) =>
        OidcJwtValidator.CreateAsync(Issuer, JwksUri, cancellationToken: cancellationToken);

    /// <summary>Registers a public native client through dynamic client registration, the way an MCP client does.</summary>
    /// <param name="redirectUri">The loopback redirect URI (the port may differ at authorization time).</param>
    /// <param name="scope">An optional <c>scope</c> metadata value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The <c>client_id</c>.</returns>
    /// <exception cref="InvalidOperationException">The registration was refused.</exception>
    public async Task<string> RegisterPublicClientAsync(Uri redirectUri, string? scope = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var body = new JsonObject
        {
            ["client_name"] = "McpOAuth.Client tests",
            ["application_type"] = "native",
            ["redirect_uris"] = new JsonArray(redirectUri.AbsoluteUri),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "none",
        };
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(RegistrationEndpoint, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registration failed: {(int)response.StatusCode} {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("client_id").GetString()
            ?? throw new InvalidOperationException("Registration response without client_id.");
    }

    /// <summary>Stops the server: closes its standard input, then kills the process tree if it has not exited.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(_process);
            }
        }

        using (var final = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(final.Token);
            }
            catch (OperationCanceledException)
            {
                // Nothing more to do; the stdin pipe is closed, so it exits when it can.
            }
        }

        _process.Dispose();
    }

    /// <summary>Finds the folder containing <c>McpOAuth.Client.sln</c> above the test assembly.</summary>
    /// <returns>The repository root.</returns>
    /// <exception cref="InvalidOperationException">There is none.</exception>
    public static string RepositoryRoot() => RealServer.ChildProcess.RepositoryRoot();

    private static string ProviderDirectory() => Path.Combine(RepositoryRoot(), "tests", "oidc-provider");

    private static void Append(ConcurrentQueue<string> log, string line)
    {
        log.Enqueue(line);
        while (log.Count > MaxLogLines && log.TryDequeue(out _))
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited meanwhile, or cannot be killed; its stdin is closed, so it exits by itself.
        }
    }

    /// <summary>Runs <c>install.sh</c> (idempotent <c>npm ci</c>) and returns the node binary it prints.</summary>
    private static async Task<string> InstallAsync()
    {
        var directory = ProviderDirectory();
        var startInfo = RealServer.ChildProcess.RedirectedStartInfo("bash", [Path.Combine(directory, "install.sh")]);
        startInfo.WorkingDirectory = directory;
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start bash for tests/oidc-provider/install.sh.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new InvalidOperationException($"tests/oidc-provider/install.sh timed out.\n{await stderr}");
        }

        var output = (await stdout).Trim();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException(
                $"tests/oidc-provider/install.sh failed with exit code {process.ExitCode}.\n{await stderr}");
        }

        var node = output.Split('\n')[^1].Trim();
        return File.Exists(node)
            ? node
            : throw new InvalidOperationException($"tests/oidc-provider/install.sh printed '{node}', which is not a file.");
    }
}
