using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>A protected MCP-like resource server (RFC 9728 metadata, RFC 6750 challenges, JSON-RPC echo) on real
/// Kestrel at <c>http://127.0.0.1:PORT</c>.</summary>
/// <remarks>
/// POSTs to <see cref="McpEndpoint"/> with a valid bearer token get <c>{"jsonrpc":"2.0","id":…,"result":{"method":…}}</c>
/// (notifications get 202). Tokens are checked with <see cref="TestAuthorizationServer.IsAccessTokenValid"/> against
/// <see cref="Resource"/>. Every request is recorded in <see cref="LoopbackTestServer.Requests"/>. Use with <c>await using</c>.
/// </remarks>
public sealed class TestMcpServer : LoopbackTestServer
{
    private const string PrmWellKnown = "/.well-known/oauth-protected-resource";

    private readonly Lock _gate = new();
    private readonly HashSet<string> _seenTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revokedTokens = new(StringComparer.Ordinal);
    private TestAuthorizationServer? _authorizationServer;
    private int _unauthorizedCount;
    private int _forbiddenCount;

    private TestMcpServer(TestAuthorizationServer? authorizationServer, TestMcpServerOptions options)
        : base(() => options.TimeProvider)
    {
        _authorizationServer = authorizationServer;
        Options = options;
    }

    /// <summary>Gets the live options; changes apply to the next request.</summary>
    public TestMcpServerOptions Options { get; }

    /// <summary>Gets the exact MCP endpoint string: the origin (no trailing slash) plus <see cref="TestMcpServerOptions.McpPath"/>.</summary>
    public string McpEndpoint => Origin + Options.McpPath;

    /// <summary>Gets the MCP endpoint as a <see cref="Uri"/> (what a client is configured with).</summary>
    public Uri McpUri => new(McpEndpoint);

    /// <summary>Gets the resource identifier: <see cref="TestMcpServerOptions.Resource"/> or <see cref="McpEndpoint"/>.</summary>
    public string Resource => Options.Resource ?? McpEndpoint;

    /// <summary>Gets the authorization server whose tokens are currently accepted.</summary>
    public TestAuthorizationServer? AuthorizationServer => Volatile.Read(ref _authorizationServer);

    /// <summary>Gets the path-aware PRM URL, <c>/.well-known/oauth-protected-resource{mcpPath}</c>.</summary>
    public Uri PathAwareMetadataUri => new(Origin + PrmWellKnown + Options.McpPath);

    /// <summary>Gets the root PRM URL, <c>/.well-known/oauth-protected-resource</c>.</summary>
    public Uri RootMetadataUri => new(Origin + PrmWellKnown);

    /// <summary>Gets the <c>resource_metadata</c> value challenges carry now, or <see langword="null"/> if none.</summary>
    public string? ResourceMetadataParameter
    {
        get
        {
            if (!Options.ChallengeIncludesResourceMetadata)
            {
                return null;
            }

            if (Options.ResourceMetadataOverride is { } value)
            {
                return value;
            }

            var path = MetadataPathsServed().FirstOrDefault();
            return path is null ? null : Origin + path;
        }
    }

    /// <summary>Gets the requests to the MCP endpoint.</summary>
    public IReadOnlyList<RecordedRequest> McpRequests => RequestsTo(McpWirePath);

    /// <summary>Gets the requests to any path under <c>/.well-known/oauth-protected-resource</c>.</summary>
    public IReadOnlyList<RecordedRequest> MetadataRequests =>
        [.. Requests.Where(r => r.Path.StartsWith(PrmWellKnown, StringComparison.Ordinal))];

    /// <summary>Gets how many 401 responses the MCP endpoint sent.</summary>
    public int UnauthorizedCount => Volatile.Read(ref _unauthorizedCount);

    /// <summary>Gets how many 403 <c>insufficient_scope</c> responses the MCP endpoint sent.</summary>
    public int ForbiddenCount => Volatile.Read(ref _forbiddenCount);

    private string McpWirePath => Options.McpPath.Length == 0 ? "/" : Options.McpPath;

    /// <summary>Starts a server on 127.0.0.1 with an ephemeral port.</summary>
    /// <param name="authorizationServer">The server whose tokens are accepted and whose issuer the PRM names; may be <see langword="null"/>.</param>
    /// <param name="configure">Sets options before the server starts.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentException">The MCP path is not empty and does not start with <c>/</c>.</exception>
    public static async Task<TestMcpServer> StartAsync(TestAuthorizationServer? authorizationServer, Action<TestMcpServerOptions>? configure = null)
    {
        var options = new TestMcpServerOptions();
        configure?.Invoke(options);
        if (options.McpPath.Length > 0 && !options.McpPath.StartsWith('/'))
        {
            throw new ArgumentException("McpPath must be empty or start with '/'.", nameof(configure));
        }

        return await StartAsync(new TestMcpServer(authorizationServer, options));
    }

    /// <summary>Switches to another authorization server (AS migration): its tokens become the accepted ones and,
    /// unless <see cref="TestMcpServerOptions.AuthorizationServers"/> is set, the PRM names its issuer.</summary>
    /// <param name="authorizationServer">The new server, or <see langword="null"/> to accept no tokens.</param>
    public void SetAuthorizationServer(TestAuthorizationServer? authorizationServer) =>
        Volatile.Write(ref _authorizationServer, authorizationServer);

    /// <summary>Replaces the PRM <c>authorization_servers</c> list without changing which tokens are accepted.</summary>
    /// <param name="issuers">The issuer strings to advertise.</param>
    public void SetAuthorizationServers(IEnumerable<string> issuers) => Options.AuthorizationServers = [.. issuers];

    /// <summary>Rejects every token presented so far and revokes all access tokens at the authorization server, so the
    /// next request gets 401 <c>invalid_token</c> (refresh tokens stay valid).</summary>
    public void RevokeAllTokens()
    {
        lock (_gate)
        {
            _revokedTokens.UnionWith(_seenTokens);
        }

        AuthorizationServer?.RevokeAllAccessTokens();
    }

    /// <summary>Builds the PRM document exactly as it would be served now (after <see cref="TestMcpServerOptions.MutateMetadata"/>).</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject CreateMetadataDocument()
    {
        var o = Options;
        var issuers = o.AuthorizationServers
            ?? (AuthorizationServer is { } server ? [server.Issuer] : []);
        var document = new JsonObject
        {
            ["resource"] = Resource,
            ["authorization_servers"] = TestAuthorizationServer.ToJsonArray(issuers),
            ["bearer_methods_supported"] = TestAuthorizationServer.ToJsonArray(["header"]),
        };
        if (o.ScopesSupported is { } scopes)
        {
            document["scopes_supported"] = TestAuthorizationServer.ToJsonArray(scopes);
        }

        o.MutateMetadata?.Invoke(document);
        return document;
    }

    private List<string> MetadataPathsServed()
    {
        var paths = new List<string>();
        var locations = Options.MetadataLocations;
        if (locations.HasFlag(ProtectedResourceMetadataLocations.Custom) && Options.CustomMetadataPath is { } custom)
        {
            paths.Add(custom);
        }

        if (locations.HasFlag(ProtectedResourceMetadataLocations.PathAware))
        {
            paths.Add(PrmWellKnown + Options.McpPath);
        }

        if (locations.HasFlag(ProtectedResourceMetadataLocations.Root))
        {
            paths.Add(PrmWellKnown);
        }

        return paths;
    }

    private protected override async Task DispatchAsync(HttpContext context, RecordedRequest request)
    {
        var o = Options;
        if (o.OnRequest is { } onRequest && await onRequest(context))
        {
            return;
        }

        if (MetadataPathsServed().Contains(request.Path, StringComparer.Ordinal))
        {
            if (o.OnMetadataRequest is { } hook && await hook(context))
            {
                return;
            }

            if (!HttpMethods.IsGet(request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status200OK, CreateMetadataDocument());
        }
        else if (string.Equals(request.Path, McpWirePath, StringComparison.Ordinal))
        {
            if (o.OnMcpRequest is { } hook && await hook(context))
            {
                return;
            }

            await HandleMcpAsync(context, request);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task HandleMcpAsync(HttpContext context, RecordedRequest request)
    {
        var o = Options;
        if (o.RequireAuthorization)
        {
            var required = RequiredScopesFor(request.JsonRpcMethod);
            var token = request.BearerToken;
            if (string.IsNullOrEmpty(token))
            {
                Challenge(context, StatusCodes.Status401Unauthorized, null, ChallengeScopeFor(required));
                return;
            }

            var scopes = Validate(token);
            if (scopes is null)
            {
                Challenge(context, StatusCodes.Status401Unauthorized, "invalid_token", ChallengeScopeFor(required));
                return;
            }

            if (required.Except(scopes, StringComparer.Ordinal).Any())
            {
                Challenge(context, StatusCodes.Status403Forbidden, "insufficient_scope", string.Join(' ', required));
                return;
            }
        }

        if (o.SessionId is { } sessionId)
        {
            context.Response.Headers["Mcp-Session-Id"] = sessionId;
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST, DELETE";
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (request.BodyAsJson() is not JsonObject message || request.JsonRpcMethod is not { } method)
        {
            var error = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = null,
                ["error"] = new JsonObject { ["code"] = -32600, ["message"] = "Invalid Request" },
            };
            await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        if (!message.ContainsKey("id"))
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var response = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = message["id"]?.DeepClone(),
            ["result"] = CreateResult(method, message["params"] as JsonObject),
        };
        await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status200OK, response);
    }

    private static JsonObject CreateResult(string method, JsonObject? parameters)
    {
        var result = new JsonObject { ["method"] = method };
        switch (method)
        {
            case "initialize":
                result["protocolVersion"] = parameters?["protocolVersion"]?.DeepClone() ?? "2025-11-25";
                result["capabilities"] = new JsonObject { ["tools"] = new JsonObject() };
                result["serverInfo"] = new JsonObject { ["name"] = "TestMcpServer", ["version"] = "1.0.0" };
                break;
            case "tools/list":
                result["tools"] = new JsonArray();
                break;
            default:
                break;
        }

        return result;
    }

    private IReadOnlyCollection<string>? Validate(string token)
    {
        lock (_gate)
        {
            _seenTokens.Add(token);
            if (_revokedTokens.Contains(token))
            {
                return null;
            }
        }

        if (Options.TokenValidator is { } validator)
        {
            return validator(token, Resource);
        }

        return AuthorizationServer is { } server && server.IsAccessTokenValid(token, Resource, out var scopes) ? scopes : null;
    }

    private List<string> RequiredScopesFor(string? method)
    {
        var required = new List<string>();
        if (Options.RequiredScopes.TryGetValue("*", out var always))
        {
            required.AddRange(always);
        }

        if (method is not null && Options.RequiredScopes.TryGetValue(method, out var forMethod))
        {
            required.AddRange(forMethod.Except(required, StringComparer.Ordinal));
        }

        return required;
    }

    private string? ChallengeScopeFor(List<string> required)
    {
        if (!Options.ChallengeIncludesScope)
        {
            return null;
        }

        if (Options.ChallengeScope is { } scope)
        {
            return scope;
        }

        if (required.Count > 0)
        {
            return string.Join(' ', required);
        }

        return Options.ScopesSupported is { Count: > 0 } supported ? string.Join(' ', supported) : null;
    }

    private void Challenge(HttpContext context, int statusCode, string? error, string? scope)
    {
        if (statusCode == StatusCodes.Status401Unauthorized)
        {
            Interlocked.Increment(ref _unauthorizedCount);
        }
        else
        {
            Interlocked.Increment(ref _forbiddenCount);
        }

        context.Response.StatusCode = statusCode;
        var overrideValues = statusCode == StatusCodes.Status401Unauthorized
            ? Options.UnauthorizedChallengeOverride
            : Options.InsufficientScopeChallengeOverride;
        if (overrideValues is not null)
        {
            if (overrideValues.Count > 0)
            {
                context.Response.Headers.WWWAuthenticate = new StringValues([.. overrideValues]);
            }

            return;
        }

        var parameters = new List<string>();
        if (error is not null)
        {
            parameters.Add($"error=\"{Quote(error)}\"");
        }

        if (scope is not null)
        {
            parameters.Add($"scope=\"{Quote(scope)}\"");
        }

        if (ResourceMetadataParameter is { } metadata)
        {
            parameters.Add($"resource_metadata=\"{Quote(metadata)}\"");
        }

        context.Response.Headers.WWWAuthenticate = parameters.Count == 0 ? "Bearer" : "Bearer " + string.Join(", ", parameters);
    }

    private static string Quote(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
