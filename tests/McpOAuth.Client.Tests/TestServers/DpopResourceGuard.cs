using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>A proof the resource server accepted: the token, the proof's claims and the key it was bound to.</summary>
/// <param name="AccessToken">The DPoP-bound access token.</param>
/// <param name="Proof">The parsed proof.</param>
/// <param name="Jkt">The thumbprint of the proof's key (equal to the token's binding).</param>
internal sealed record AcceptedDpopRequest(string AccessToken, TestJws Proof, string Jkt);

/// <summary>Turns a <see cref="TestMcpServer"/> into a DPoP-only resource server (RFC 9449 §7): it takes
/// <c>Authorization: DPoP</c> with a valid proof (<c>htm</c>, <c>htu</c>, <c>ath</c>, the token's <c>jkt</c>, a fresh
/// <c>jti</c>) and challenges with <c>WWW-Authenticate: DPoP</c> only, optionally demanding a nonce.</summary>
internal sealed class DpopResourceGuard
{
    private readonly TestMcpServer _server;
    private readonly TestDpopVerifier _verifier = new();
    private readonly Lock _gate = new();
    private readonly List<AcceptedDpopRequest> _accepted = [];
    private readonly List<string> _rejections = [];
    private int _nonceChallenges;

    private DpopResourceGuard(TestMcpServer server)
    {
        _server = server;
    }

    /// <summary>Gets or sets the nonce proofs must carry; null requires none.</summary>
    public string? Nonce { get; set; }

    /// <summary>Gets or sets a nonce handed out with the next successful response (RFC 9449 §8.2, §9), then required.</summary>
    public string? NextNonceOnSuccess { get; set; }

    /// <summary>Gets or sets whether every proof is answered with <c>use_dpop_nonce</c> and yet another nonce (a server whose
    /// nonces are never accepted).</summary>
    public bool RotateNonceOnChallenge { get; set; }

    /// <summary>Gets the requests that passed, in order.</summary>
    public IReadOnlyList<AcceptedDpopRequest> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Gets why requests were refused, in order.</summary>
    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejections];
            }
        }
    }

    /// <summary>Gets how many <c>use_dpop_nonce</c> challenges were sent.</summary>
    public int NonceChallenges => Volatile.Read(ref _nonceChallenges);

    /// <summary>Installs the guard as the server's MCP hook; the server's own bearer check is turned off.</summary>
    /// <param name="server">The MCP server whose authorization server issues (and binds) the tokens.</param>
    /// <returns>The guard.</returns>
    public static DpopResourceGuard Install(TestMcpServer server)
    {
        var guard = new DpopResourceGuard(server);
        server.Options.RequireAuthorization = false;
        server.Options.OnMcpRequest = guard.HandleAsync;
        return guard;
    }

    private Task<bool> HandleAsync(HttpContext context)
    {
        RecordedRequest request = context.GetRecordedRequest();
        string? authorization = request.Authorization;
        if (authorization is null)
        {
            return ChallengeAsync(context, error: null, "no credentials");
        }

        if (!authorization.StartsWith("DPoP ", StringComparison.Ordinal))
        {
            return ChallengeAsync(context, "invalid_token", "not the DPoP scheme: " + authorization.Split(' ')[0]);
        }

        string token = authorization["DPoP ".Length..].Trim();
        TestAuthorizationServer? authorizationServer = _server.AuthorizationServer;
        if (authorizationServer is null || !authorizationServer.IsAccessTokenValid(token, _server.Resource, out _))
        {
            return ChallengeAsync(context, "invalid_token", "unknown, expired or foreign token");
        }

        if (authorizationServer.GetDpopBinding(token) is not { } binding)
        {
            return ChallengeAsync(context, "invalid_token", "a bearer token sent with the DPoP scheme");
        }

        string? nonce = RotateNonceOnChallenge ? "never-" + Guid.NewGuid().ToString("N") : Nonce;
        DpopCheck check = _verifier.Verify(
            request.Headers.TryGetValue("DPoP", out var proofs) ? proofs : default,
            request.Method,
            _server.McpEndpoint,
            token,
            nonce,
            _server.Options.TimeProvider.GetUtcNow());
        if (check.Error == "use_dpop_nonce")
        {
            Interlocked.Increment(ref _nonceChallenges);
            context.Response.Headers["DPoP-Nonce"] = nonce;
            return ChallengeAsync(context, "use_dpop_nonce", "nonce missing or stale");
        }

        if (!check.IsValid)
        {
            return ChallengeAsync(context, "invalid_dpop_proof", check.Description!);
        }

        if (check.Jkt != binding)
        {
            return ChallengeAsync(context, "invalid_token", "the proof's key is not the one the token is bound to");
        }

        lock (_gate)
        {
            _accepted.Add(new AcceptedDpopRequest(token, check.Proof!, check.Jkt!));
        }

        if (NextNonceOnSuccess is { } next)
        {
            context.Response.Headers["DPoP-Nonce"] = next;
            Nonce = next;
            NextNonceOnSuccess = null;
        }

        return Task.FromResult(false); // Authorized: the server answers the JSON-RPC request.
    }

    private Task<bool> ChallengeAsync(HttpContext context, string? error, string why)
    {
        lock (_gate)
        {
            _rejections.Add(why);
        }

        var parameters = new List<string> { "algs=\"ES256 RS256\"" };
        if (error is not null)
        {
            parameters.Add($"error=\"{error}\"");
        }

        if (_server.ResourceMetadataParameter is { } metadata)
        {
            parameters.Add($"resource_metadata=\"{metadata}\"");
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "DPoP " + string.Join(", ", parameters);
        return Task.FromResult(true);
    }
}
