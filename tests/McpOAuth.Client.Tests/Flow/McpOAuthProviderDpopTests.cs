using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow;

/// <summary>The provider's DPoP credentials for stored tokens (<see cref="IMcpOAuthCredentialSource.GetCredentialAsync"/>) and its
/// handling of resource-server nonces, without any network call.</summary>
public sealed class McpOAuthProviderDpopTests : IDisposable
{
    private const string Resource = "https://mcp.example.com/mcp";
    private static readonly Uri McpUri = new(Resource + "?session=1#frag");

    private readonly FakeHttpMessageHandler _network = new();
    private readonly ObservableTimeProvider _time = new();
    private readonly ECDsa _dpopKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _network.Dispose();
        _dpopKey.Dispose();
    }

    [Fact]
    public async Task GetCredentialAsync_StoredDpopToken_DpopSchemeAndAProofFromTheStoredKeyBoundToTheToken()
    {
        using McpOAuthProvider provider = await CreateProviderAsync(DpopTokens("at-dpop-1"));

        McpOAuthCredential? credential = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        credential.Should().NotBeNull();
        TestJws proof = TestJwt.Parse(credential!.Proof!);
        using (new AssertionScope())
        {
            credential.Scheme.Should().Be("DPoP");
            credential.AuthorizationHeader.ToString().Should().Be("DPoP at-dpop-1");
            credential.ToString().Should().NotContain("at-dpop-1").And.NotContain(credential.Proof!);
            proof.VerifyWithHeaderJwk().Should().BeTrue();
            TestJwt.Thumbprint((JsonObject)proof.Header["jwk"]!).Should().Be(StoredKeyThumbprint());
            proof.ClaimString("htm").Should().Be("POST");
            proof.ClaimString("htu").Should().Be(Resource);
            proof.ClaimString("ath").Should().Be(TestJwt.AccessTokenHash("at-dpop-1"));
            proof.ClaimNumber("iat").Should().Be(_time.GetUtcNow().ToUnixTimeSeconds());
            _network.Requests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task GetCredentialAsync_DpopTokenTwice_EachCallHasAFreshProof()
    {
        using McpOAuthProvider provider = await CreateProviderAsync(DpopTokens("at-dpop-1"));

        McpOAuthCredential? first = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);
        McpOAuthCredential? second = await provider.GetCredentialAsync(HttpMethod.Get, McpUri);

        TestJws a = TestJwt.Parse(first!.Proof!);
        TestJws b = TestJwt.Parse(second!.Proof!);
        using (new AssertionScope())
        {
            b.ClaimString("jti").Should().NotBe(a.ClaimString("jti"));
            b.ClaimString("htm").Should().Be("GET");
            TestJwt.Thumbprint((JsonObject)b.Header["jwk"]!).Should().Be(TestJwt.Thumbprint((JsonObject)a.Header["jwk"]!));
        }
    }

    [Fact]
    public async Task GetCredentialAsync_BearerToken_NoProofAndTheSameCredentialEachTime()
    {
        using McpOAuthProvider provider = await CreateProviderAsync(new TokenSet { AccessToken = "at-bearer", Resource = Resource, Issuer = "https://auth.example.com", ClientId = "c" });

        McpOAuthCredential? first = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);
        McpOAuthCredential? second = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        using (new AssertionScope())
        {
            first!.Scheme.Should().Be("Bearer");
            first.Proof.Should().BeNull();
            second.Should().BeSameAs(first);
        }
    }

    [Fact]
    public async Task GetCredentialAsync_ConcurrentFirstCallsOnAStoredDpopToken_EveryCallGetsAValidProof()
    {
        // The first calls of a run import the stored key together; none may use a key another call has disposed.
        const int Rounds = 40;
        const int Callers = 8;
        var failures = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            using McpOAuthProvider provider = await CreateProviderAsync(DpopTokens("at-dpop-1"));
            using var start = new Barrier(Callers);
            Task<string?>[] callers =
            [
                .. Enumerable.Range(0, Callers).Select(_ => Task.Factory.StartNew(
                    async () =>
                    {
                        start.SignalAndWait(TestTimeouts.Default);
                        return (await provider.GetCredentialAsync(HttpMethod.Post, McpUri))?.Proof;
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default).Unwrap()),
            ];

            foreach (Task<string?> caller in callers)
            {
                try
                {
                    string? proof = await caller.WaitAsync(TestTimeouts.Default);
                    if (proof is null || TestJwt.Thumbprint((JsonObject)TestJwt.Parse(proof).Header["jwk"]!) != StoredKeyThumbprint())
                    {
                        failures.Add($"round {round}: no proof, or a proof from another key");
                    }
                }
                catch (Exception ex) when (ex is ObjectDisposedException or CryptographicException or InvalidOperationException)
                {
                    failures.Add($"round {round}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task HandleChallengeAsync_UseDpopNonceForTheCurrentToken_SameTokenNoNetworkAndTheNextProofCarriesTheNonce()
    {
        using McpOAuthProvider provider = await CreateProviderAsync(DpopTokens("at-dpop-1"));
        McpOAuthCredential? before = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        McpOAuthCredential answered = await provider.HandleChallengeAsync(UseDpopNonce(McpUri, "rs-nonce-7", "at-dpop-1"));
        McpOAuthCredential? after = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        using (new AssertionScope())
        {
            answered.AccessToken.Should().Be("at-dpop-1");
            TestJwt.Parse(answered.Proof!).ClaimString("nonce").Should().Be("rs-nonce-7", "the credential for the resend already carries the nonce");
            _network.Requests.Should().BeEmpty("a nonce challenge starts no discovery and no OAuth flow");
            TestJwt.Parse(before!.Proof!).Payload.Should().NotContainKey("nonce");
            TestJwt.Parse(after!.Proof!).ClaimString("nonce").Should().Be("rs-nonce-7");
            TestJwt.Parse(after.Proof!).ClaimString("jti").Should().NotBe(TestJwt.Parse(before.Proof!).ClaimString("jti"));
        }
    }

    [Fact]
    public async Task HandleChallengeAsync_UseDpopNonceForAnotherOrigin_NotSentToThisOne()
    {
        // The credential serves both endpoints (RS-01: it goes only where it was signed in for).
        using McpOAuthProvider provider = await CreateProviderAsync(DpopTokens("at-dpop-1") with { Endpoints = [Resource, Resource + "/sub"] });
        await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        await provider.HandleChallengeAsync(UseDpopNonce(new Uri(Resource + "/sub"), "rs-nonce-same-origin", "at-dpop-1"));
        McpOAuthCredential? sameOrigin = await provider.GetCredentialAsync(HttpMethod.Post, McpUri);

        TestJwt.Parse(sameOrigin!.Proof!).ClaimString("nonce").Should().Be("rs-nonce-same-origin", "nonces are remembered per origin");
    }

    /// <summary>The resource server's RFC 9449 §9 challenge: a 401 with error use_dpop_nonce and a DPoP-Nonce.</summary>
    private static McpOAuthChallenge UseDpopNonce(Uri requestUri, string nonce, string rejectedAccessToken) => new()
    {
        RequestUri = requestUri,
        StatusCode = 401,
        Scheme = "DPoP",
        Error = "use_dpop_nonce",
        DpopNonce = nonce,
        RejectedAccessToken = rejectedAccessToken,
    };

    private TokenSet DpopTokens(string accessToken) => new()
    {
        AccessToken = accessToken,
        TokenType = "DPoP",
        DpopKey = Convert.ToBase64String(_dpopKey.ExportPkcs8PrivateKey()),
        Resource = Resource,
        Issuer = "https://auth.example.com",
        ClientId = "machine-client",
        ObtainedAt = _time.GetUtcNow(),
        ExpiresAt = _time.GetUtcNow().AddHours(1),
    };

    private string StoredKeyThumbprint()
    {
        ECParameters p = _dpopKey.ExportParameters(includePrivateParameters: false);
        return TestJwt.Thumbprint(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = TestJwt.B64(p.Q.X), ["y"] = TestJwt.B64(p.Q.Y) });
    }

    private async Task<McpOAuthProvider> CreateProviderAsync(TokenSet stored)
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(stored.Key, stored);
        var options = new McpOAuthOptions();
        options.Client.ClientId = "machine-client";
        return (McpOAuthProvider)McpOAuthProviderFactory.Create(options, store, _network, _time);
    }
}
