using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>DPoP (RFC 9449) with every grant: proofs bound to the token, authorization and resource server nonces, and the key
/// kept across runs.</summary>
public sealed partial class ExtensionGrantTests
{
    [Fact]
    public async Task SendAsync_DpopWithClientCredentials_EveryRequestCarriesAFreshProofBoundToTheToken()
    {
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync();
        using var client = MachineClient(authorizationServer, useDpop: true);

        for (int id = 1; id <= 3; id++)
        {
            using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", id);
            response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        }

        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        TestJws tokenProof = TestJwt.Parse(authorizationServer.TokenRequests.Single().HeaderValue("DPoP")!);
        using (new AssertionScope())
        {
            authorizationServer.GetDpopBinding(token).Should().NotBeNull();
            TestJwt.Thumbprint((JsonObject)tokenProof.Header["jwk"]!).Should().Be(authorizationServer.GetDpopBinding(token));
            guard.Accepted.Should().HaveCount(3);
            guard.Accepted.Select(a => a.Proof.ClaimString("jti")).Should().OnlyHaveUniqueItems();
            guard.Accepted.Should().OnlyContain(a => a.Jkt == authorizationServer.GetDpopBinding(token) && a.AccessToken == token);
            guard.Accepted.Should().OnlyContain(a => a.Proof.ClaimString("ath") == TestJwt.AccessTokenHash(token));
            guard.Rejections.Should().Equal("no credentials");
            mcpServer.McpRequests.Where(r => r.Authorization is not null).Should().OnlyContain(r => r.Authorization!.StartsWith("DPoP ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SendAsync_ResourceServerDemandsANonce_RetriedWithItWithoutANewTokenRequest()
    {
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync(resourceNonce: "rs-nonce-1");
        using var client = MachineClient(authorizationServer, useDpop: true);

        using (HttpResponseMessage first = await client.CallAsync(mcpServer.McpUri, "initialize"))
        using (HttpResponseMessage second = await client.CallAsync(mcpServer.McpUri, "tools/list", 2))
        {
            first.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections));
            second.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections));
        }

        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().ContainSingle("a nonce challenge never starts a new OAuth flow");
            guard.NonceChallenges.Should().Be(1);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 401", "POST /mcp 200", "POST /mcp 200");
            guard.Accepted.Should().HaveCount(2).And.OnlyContain(a => a.Proof.ClaimString("nonce") == "rs-nonce-1");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_AuthorizationAndResourceServerNonces_EachRetriedOnceAndKeptApart()
    {
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync(resourceNonce: "rs-nonce-1");
        authorizationServer.Extensions.DpopNonce = "as-nonce-1";
        using var client = MachineClient(authorizationServer, useDpop: true);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        IReadOnlyList<RecordedRequest> tokenRequests = authorizationServer.TokenRequests;
        TestJws[] tokenProofs = [.. tokenRequests.Select(r => TestJwt.Parse(r.HeaderValue("DPoP")!))];
        TestJws[] resourceProofs = [.. mcpServer.McpRequests.Where(r => r.HeaderValue("DPoP") is not null).Select(r => TestJwt.Parse(r.HeaderValue("DPoP")!))];
        using (new AssertionScope())
        {
            McpClientHarness.Describe(tokenRequests).Should().Equal("POST /token 400", "POST /token 200");
            tokenProofs[0].Payload.Should().NotContainKey("nonce");
            tokenProofs[1].ClaimString("nonce").Should().Be("as-nonce-1");
            tokenProofs[1].ClaimString("jti").Should().NotBe(tokenProofs[0].ClaimString("jti"));
            resourceProofs.Should().HaveCount(2);
            resourceProofs[0].Payload.Should().NotContainKey("nonce", "the AS nonce is not the RS's");
            resourceProofs[1].ClaimString("nonce").Should().Be("rs-nonce-1");
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 401", "POST /mcp 200");
        }
    }

    [Fact]
    public async Task SendAsync_DpopMachineTokenExpiresAtANonceDemandingAs_NextTokenRequestCarriesTheRememberedNonce()
    {
        // RFC 9449 §8.2: the client uses the AS's nonce for all later token requests until the AS supplies another one.
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", configure: o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
        }, mcp: o => o.TimeProvider = time);
        authorizationServer.Extensions.DpopNonce = "as-nonce-1";
        var guard = DpopResourceGuard.Install(mcpServer);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.UseDpop = true;
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer;
            },
            timeProvider: time);
        await client.CallOkAsync(mcpServer.McpUri, "initialize");

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using HttpResponseMessage second = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        second.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        McpClientHarness.Describe(authorizationServer.TokenRequests).Should().Equal(
            ["POST /token 400", "POST /token 200", "POST /token 200"],
            "the nonce learnt on the first token request is still the AS's nonce");
    }

    [Fact]
    public async Task SendAsync_ResourceServerHandsOutANewNonceWithA200_NextRequestUsesItWithoutAChallenge()
    {
        // RFC 9449 §9 with §8.2: a resource server may supply the next nonce in any response; the client uses it next time.
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync(resourceNonce: "rs-nonce-1");
        using var client = MachineClient(authorizationServer, useDpop: true);
        await client.CallOkAsync(mcpServer.McpUri, "initialize");

        guard.NextNonceOnSuccess = "rs-nonce-2";
        using (HttpResponseMessage second = await client.CallAsync(mcpServer.McpUri, "tools/list", 2))
        {
            second.Should().HaveStatusCode(HttpStatusCode.OK);
            second.Headers.GetValues("DPoP-Nonce").Should().Equal("rs-nonce-2");
        }

        int before = mcpServer.McpRequests.Count;
        using HttpResponseMessage third = await client.CallAsync(mcpServer.McpUri, "tools/list", 3);

        third.Should().HaveStatusCode(HttpStatusCode.OK);
        McpClientHarness.Describe(mcpServer.McpRequests.Skip(before)).Should().Equal(["POST /mcp 200"], "the nonce from the 200 is used at once");
    }

    [Fact]
    public async Task SendAsync_ResourceServerNeverAcceptsItsOwnNonce_GivesUpAfterBoundedRetriesWithoutANewTokenRequest()
    {
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync(resourceNonce: "rs-nonce");
        guard.RotateNonceOnChallenge = true;
        using var client = MachineClient(authorizationServer, useDpop: true);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().ContainSingle();
            guard.NonceChallenges.Should().BeInRange(1, 3);
            guard.Accepted.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_MachineGrantAndServerChallengesWithDpopOnly_ObtainsADpopBoundToken()
    {
        // Issue 5: DPoP is opt-in, "and used when the server requires it" (a DPoP challenge without a Bearer one).
        var (authorizationServer, mcpServer, guard) = await StartDpopServersAsync();
        using var client = MachineClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections));
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().ContainSingle().Which.HeaderValue("DPoP").Should().NotBeNull();
            guard.Accepted.Should().ContainSingle();
        }
    }

    [Fact]
    public async Task SendAsync_CodeFlowAndServerChallengesWithDpopOnly_SignsInWithAProofAndUsesTheDpopScheme()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        authorizationServer.EnableExtensionGrants();
        var guard = DpopResourceGuard.Install(mcpServer);
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            tokenRequest.FormValue("grant_type").Should().Be("authorization_code");
            TestJwt.Parse(tokenRequest.HeaderValue("DPoP")!).ClaimString("htu").Should().Be(authorizationServer.TokenEndpoint.AbsoluteUri);
            guard.Accepted.Should().ContainSingle();
            mcpServer.McpRequests[^1].Authorization.Should().StartWith("DPoP ");
        }
    }

    [Fact]
    public async Task SendAsync_DpopBoundTokenExpires_RefreshedWithAProofFromTheSameKey()
    {
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
        }, o => o.TimeProvider = time);
        authorizationServer.EnableExtensionGrants();
        var guard = DpopResourceGuard.Install(mcpServer);
        using var client = McpClientHarness.Create(timeProvider: time);
        await client.CallOkAsync(mcpServer.McpUri, "initialize", because: () => string.Join("; ", guard.Rejections));

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using HttpResponseMessage second = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        second.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        RecordedRequest refresh = authorizationServer.TokenRequests.Should().ContainSingle(r => r.FormValue("grant_type") == "refresh_token").Subject;
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            refresh.HeaderValue("DPoP").Should().NotBeNull("RFC 9449 §5: a refresh of a DPoP-bound token carries a proof");
            guard.Accepted.Should().HaveCount(2);
            guard.Accepted.Select(a => a.Jkt).Distinct().Should().ContainSingle("the key stays with the credential");
            guard.Accepted[1].AccessToken.Should().NotBe(guard.Accepted[0].AccessToken);
        }
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("private_key_jwt")]
    public async Task SendAsync_NextRunWithFileTokenStore_ReusesTheStoredDpopKeyAndNeverStoresClientCredentials(string method)
    {
        using var directory = new TempDirectory();
        using var assertionKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using AsymmetricAlgorithm publicKey = PublicHalf(assertionKey);
        var (authorizationServer, mcpServer) = await StartMachineServersAsync(method, publicKey);
        var guard = DpopResourceGuard.Install(mcpServer);
        void Configure(McpOAuthOptions o)
        {
            o.UseDpop = true;
            o.Client.UsePreRegistered(ClientId, authorizationServer.Issuer, method, ClientSecret, assertionKey);
        }

        using (var firstRun = McpClientHarness.Create(Configure, tokenStore: new FileTokenStore(directory.Combine("store"))))
        using (HttpResponseMessage signIn = await firstRun.CallAsync(mcpServer.McpUri, "initialize"))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections.Concat(authorizationServer.ExtensionRejections)));
        }

        int tokenRequests = authorizationServer.TokenRequests.Count;
        int mcpRequests = mcpServer.McpRequests.Count;
        string[] files = Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories);
        string stored = string.Join("\n", files.Select(File.ReadAllText));
        string tokenFile = File.ReadAllText(files.Should().ContainSingle(f => f.EndsWith(".json", StringComparison.Ordinal)).Subject);
        using var secondRun = McpClientHarness.Create(Configure, tokenStore: new FileTokenStore(directory.Combine("store")));

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", guard.Rejections));
        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        string binding = authorizationServer.GetDpopBinding(token)!;
        JsonObject document = JsonNode.Parse(tokenFile)!.AsObject();
        ECParameters privateParameters = assertionKey.ExportParameters(includePrivateParameters: true);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().HaveCount(tokenRequests, "the stored DPoP token is used as it is");
            McpClientHarness.Describe(mcpServer.McpRequests.Skip(mcpRequests)).Should().Equal("POST /mcp 200");
            guard.Accepted.Should().HaveCount(2).And.OnlyContain(a => a.Jkt == binding);
            StoredKeyThumbprint(document["dpop_key"]!.GetValue<string>()).Should().Be(binding);
            stored.Should().NotContain(ClientSecret);
            stored.Should().NotContain(Convert.ToBase64String(assertionKey.ExportPkcs8PrivateKey()));
            stored.Should().NotContain(Convert.ToBase64String(privateParameters.D!));
            stored.Should().NotContain(TestJwt.B64(privateParameters.D!));
            stored.Should().NotContain("PRIVATE KEY");
            document.Should().NotContainKey("client_secret");
        }
    }

    [Fact]
    public async Task SendAsync_NextRunWithExpiredMachineToken_ObtainsANewOneWithoutBrowser()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenStore();
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", configure: o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
        }, mcp: o => o.TimeProvider = time);
        void Configure(McpOAuthOptions o)
        {
            o.AllowInteractive = false;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer; // automatic client credentials only for a client bound to this issuer
        }

        using (var firstRun = McpClientHarness.Create(Configure, timeProvider: time, tokenStore: store))
        {
            await firstRun.CallOkAsync(mcpServer.McpUri, "initialize");
        }

        time.Advance(TimeSpan.FromMinutes(6));
        using var secondRun = McpClientHarness.Create(Configure, timeProvider: time, tokenStore: store);

        using HttpResponseMessage response = await secondRun.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("client_credentials").Should().Be(2);
            secondRun.Browser.LaunchCount.Should().Be(0);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens[^1].Token);
        }
    }

    /// <summary>The machine servers of <see cref="StartMachineServersAsync"/> (client_secret_basic) with a DPoP guard in front
    /// of the MCP server that demands <paramref name="resourceNonce"/>, if one is given, in every proof.</summary>
    private async Task<(TestAuthorizationServer AuthorizationServer, TestMcpServer McpServer, DpopResourceGuard Guard)> StartDpopServersAsync(
        string? resourceNonce = null)
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        DpopResourceGuard guard = DpopResourceGuard.Install(mcpServer);
        guard.Nonce = resourceNonce;
        return (authorizationServer, mcpServer, guard);
    }
}
