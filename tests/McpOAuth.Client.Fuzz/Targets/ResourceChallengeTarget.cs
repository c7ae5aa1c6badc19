namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// An MCP server's 401/403 answer (status, <c>WWW-Authenticate</c> fields, <c>DPoP-Nonce</c>) through the public
/// <see cref="McpOAuthHandler"/> with a fake provider: the handler reads the challenge, asks the provider once per round and
/// never loops without bound (AUTH-28..AUTH-30, RS-10); what it hands the provider is well formed.
/// </summary>
internal sealed class ResourceChallengeTarget : FuzzTarget
{
    private static readonly Uri ServerUri = new("https://mcp.example.com/mcp");

    public override string Name => "resource-challenge";

    public override string Description => "McpOAuthHandler.SendAsync: 401/403 challenges and DPoP nonces from the MCP server";

    public override IReadOnlyList<string> Dictionary =>
    [
        "HTTP 401\n", "HTTP 403\n", "WWW-Authenticate: ", "Bearer ", "DPoP ", "Basic realm=\"x\"", "resource_metadata=", "scope=",
        "error=\"insufficient_scope\"", "error=\"use_dpop_nonce\"", "error=\"invalid_token\"", "DPoP-Nonce: ", "X-Fuzz-Dpop: 1\n",
    ];

    public override int MaxInputLength => 16 * 1024;

    public override void Run(byte[] input)
    {
        HttpEnvelope envelope = HttpEnvelope.Parse(input);
        var provider = new ChallengeRecorder(envelope.Flag("X-Fuzz-Dpop"));
        using var server = new ChallengingServer(envelope);
        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = server });

        McpOAuthException? refused = Properties.Typed(
            () =>
            {
                using HttpResponseMessage response = Properties.Wait(client.GetAsync(ServerUri));
            },
            [provider.Token]);

        Properties.That(provider.Challenges.Count <= 3 + 2, $"{provider.Challenges.Count} challenges handled for one request");
        Properties.That(refused is null || refused.Code == McpOAuthErrorCode.AuthorizationLoop, $"refused with {refused?.Code}");
        foreach (McpOAuthChallenge challenge in provider.Challenges)
        {
            Properties.That(challenge.StatusCode is 401 or 403, $"a {challenge.StatusCode} was handled as a challenge");
            Properties.That(challenge.Scopes.All(s => s.Length > 0 && !s.Contains(' ', StringComparison.Ordinal)), "an empty or spaced scope");
        }
    }

    private sealed class ChallengingServer(HttpEnvelope envelope) : HttpMessageHandler
    {
        private int _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(_calls++ < 4 ? envelope.ToResponse(request) : new HttpResponseMessage(System.Net.HttpStatusCode.OK) { RequestMessage = request });
    }

    /// <summary>Records each challenge and hands out a fresh token; with DPoP, a credential with a proof.</summary>
    private sealed class ChallengeRecorder(bool dpop) : IMcpOAuthCredentialSource
    {
        private int _issued;

        public List<McpOAuthChallenge> Challenges { get; } = [];

        public string Token => $"fake-access-token-{_issued}";

        public int MaxAuthorizationAttempts => 3;

        public ValueTask<McpOAuthCredential?> GetCredentialAsync(HttpMethod method, Uri requestUri, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<McpOAuthCredential?>(Credential());

        public void RememberDpopNonce(Uri requestUri, string nonce) => Properties.That(nonce is not null, "null nonce");

        public Task<McpOAuthCredential> HandleChallengeAsync(McpOAuthChallenge challenge, CancellationToken cancellationToken = default)
        {
            Challenges.Add(challenge);
            _issued++;
            return Task.FromResult(Credential());
        }

        private McpOAuthCredential Credential() => dpop ? new McpOAuthCredential("DPoP", Token, "fake.dpop.proof") : new McpOAuthCredential("Bearer", Token);
    }
}
