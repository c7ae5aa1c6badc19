using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The MCP authorization extensions end to end through <see cref="McpOAuthProviderFactory"/> and
/// <see cref="McpOAuthHandler"/>: client credentials, the JWT bearer grant (workload identity), enterprise-managed
/// authorization (ID-JAG), and DPoP with nonces, against loopback servers that verify every signature.</summary>
public sealed class ExtensionGrantTests : ServerPairTest
{
    private const string ClientId = "machine-client";
    private const string ClientSecret = "machine-SECRET-0123456789abcdef";
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string PlatformIssuer = "https://platform.example.com";

    // ---- grant selection and client credentials ----

    [Fact]
    public async Task SendAsync_AutomaticWithSecretBoundToAnotherIssuer_NeverSendsTheSecretToAMetadataChosenServer()
    {
        // T10, AUTH-24: a hostile MCP server can name an authorization server that lists only client_credentials; a client
        // whose secret is bound to another issuer must not answer it with the secret, by any grant.
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = "https://honest-as.example.com";
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.ClientRegistrationRequired);
        authorizationServer.Requests.Should().NotContain(r => (r.Authorization ?? string.Empty).StartsWith("Basic ", StringComparison.Ordinal)
            || r.FormValue("client_secret") != null || r.FormValue("client_id") == ClientId);
    }

    [Fact]
    public async Task SendAsync_AutomaticAndAsListsOnlyClientCredentials_GetsAClientCredentialsTokenWithoutBrowser()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = MachineClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(0);
            authorizationServer.AuthorizeRequestCount.Should().Be(0);
            authorizationServer.RegistrationCount.Should().Be(0);
            tokenRequest.StatusCode.Should().Be(200);
            tokenRequest.FormValue("grant_type").Should().Be("client_credentials");
            tokenRequest.FormValue("resource").Should().Be(mcpServer.Resource);
            tokenRequest.Authorization.Should().StartWith("Basic ");
            tokenRequest.FormValue("client_secret").Should().BeNull();
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401", "POST /mcp 200");
            mcpServer.McpRequests[^1].BearerToken.Should().Be(authorizationServer.IssuedAccessTokens.Single().Token);
            authorizationServer.IssuedAccessTokens.Single().GrantType.Should().Be("client_credentials");
        }
    }

    [Fact]
    public async Task SendAsync_ClientCredentialsWithClientSecretPost_SecretInTheBody()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_post");
        using var client = McpClientHarness.Create(o =>
        {
            o.GrantType = McpOAuthGrantType.ClientCredentials;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        using (new AssertionScope())
        {
            tokenRequest.Authorization.Should().BeNull();
            tokenRequest.FormValue("client_id").Should().Be(ClientId);
            tokenRequest.FormValue("client_secret").Should().Be(ClientSecret);
        }
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    public async Task SendAsync_ClientCredentialsWithPrivateKeyJwt_AsVerifiesTheAssertionWithTheRegisteredPublicKey(string algorithm)
    {
        using AsymmetricAlgorithm key = algorithm == "ES256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        using AsymmetricAlgorithm publicKey = PublicHalf(key);
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("private_key_jwt", publicKey);
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientAssertionKey = key;
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", authorizationServer.ExtensionRejections));
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        TestJws assertion = TestJwt.Parse(tokenRequest.FormValue("client_assertion")!);
        using (new AssertionScope())
        {
            tokenRequest.Authorization.Should().BeNull();
            tokenRequest.FormValue("client_secret").Should().BeNull();
            tokenRequest.FormValue("client_assertion_type").Should().Be("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
            assertion.HeaderString("alg").Should().Be(algorithm);
            assertion.ClaimString("aud").Should().Be(authorizationServer.Issuer);
            assertion.VerifyWith(publicKey).Should().BeTrue();
        }
    }

    [Fact]
    public async Task SendAsync_AutomaticWithSecretButAsAlsoTakesAuthorizationCode_SignsInWithTheBrowser()
    {
        // Automatic picks client credentials only when the AS does not take the authorization code grant.
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = ["authorization_code", "refresh_token", "client_credentials"];
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
        });
        authorizationServer.EnableExtensionGrants();
        using var client = MachineClient(authorizationServer);

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(1);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
            authorizationServer.TokenRequestCount("client_credentials").Should().Be(0);
        }
    }

    [Theory]
    [InlineData(McpOAuthGrantType.ClientCredentials)]
    [InlineData(McpOAuthGrantType.JwtBearer)]
    public async Task SendAsync_ExplicitGrantNotInGrantTypesSupported_ThrowsGrantNotSupportedWithoutTokenRequest(McpOAuthGrantType grant)
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = ["authorization_code", "refresh_token"];
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = ClientId, ClientSecret = ClientSecret, TokenEndpointAuthMethod = "client_secret_basic" });
        });
        authorizationServer.EnableExtensionGrants();
        using var client = McpClientHarness.Create(o =>
        {
            o.GrantType = grant;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.AssertionProvider = (_, _) => ValueTask.FromResult("never.used.jwt");
            o.Client.Issuer = authorizationServer.Issuer;
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.GrantNotSupported);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequests.Should().BeEmpty();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_AllowInteractiveFalse_MachineGrantStillSignsIn()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        using var client = McpClientHarness.Create(o =>
        {
            o.AllowInteractive = false;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer; // automatic client credentials only for a client bound to this issuer
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        authorizationServer.TokenRequestCount("client_credentials").Should().Be(1);
    }

    [Fact]
    public async Task SendAsync_MachineTokenExpiredAnd20ConcurrentRequests_ObtainedAgainOnceWithoutBrowser()
    {
        const int Count = 20;
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", configure: o =>
        {
            o.TimeProvider = time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
        }, mcp: o => o.TimeProvider = time);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.Client.ClientId = ClientId;
                o.Client.ClientSecret = ClientSecret;
                o.Client.Issuer = authorizationServer.Issuer; // automatic client credentials only for a client bound to this issuer
            },
            timeProvider: time);
        await client.CallOkAsync(mcpServer.McpUri, "initialize");

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(2, Count).Select(id => client.CallAsync(mcpServer.McpUri, "tools/list", id)));

        try
        {
            string renewed = authorizationServer.IssuedAccessTokens[^1].Token;
            using (new AssertionScope())
            {
                responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
                client.Browser.LaunchCount.Should().Be(0);
                authorizationServer.TokenRequestCount("client_credentials").Should().Be(2);
                authorizationServer.IssuedAccessTokens.Should().HaveCount(2);
                mcpServer.McpRequests.Count(r => r.StatusCode == 401).Should().Be(1, "only the very first request found no token");
                mcpServer.McpRequests.Skip(2).Should().HaveCount(Count).And.OnlyContain(r => r.BearerToken == renewed);
            }
        }
        finally
        {
            Array.ForEach(responses, r => r.Dispose());
        }
    }

    // ---- JWT bearer grant (workload identity federation) ----

    [Fact]
    public async Task SendAsync_AssertionProvider_UsesTheJwtBearerGrantWithTheProvidedAssertion()
    {
        using var platformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (authorizationServer, mcpServer) = await StartWorkloadServersAsync(platformKey);
        var contexts = new List<AssertionContext>();
        var issued = new List<string>();
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = "workload";
            o.AssertionProvider = (context, _) =>
            {
                contexts.Add(context);
                issued.Add(WorkloadJwt(platformKey, audience: context.Issuer));
                return ValueTask.FromResult(issued[^1]);
            };
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(HttpStatusCode.OK, string.Join("; ", authorizationServer.ExtensionRejections));
        RecordedRequest tokenRequest = authorizationServer.TokenRequests.Single();
        AssertionContext context = contexts.Should().ContainSingle().Subject;
        using (new AssertionScope())
        {
            context.Issuer.Should().Be(authorizationServer.Issuer);
            context.Resource.Should().Be(mcpServer.Resource);
            context.TokenEndpoint.Should().Be(authorizationServer.TokenEndpoint);
            tokenRequest.FormValue("grant_type").Should().Be(JwtBearerGrant);
            tokenRequest.FormValue("assertion").Should().Be(issued.Single());
            tokenRequest.FormValue("client_id").Should().Be("workload");
            tokenRequest.FormValue("resource").Should().Be(mcpServer.Resource);
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_JwtBearerRejected_ThrowsInvalidGrantAfterOneTokenRequestAndTriesNoOtherGrant()
    {
        using var platformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (authorizationServer, mcpServer) = await StartWorkloadServersAsync(platformKey, alsoAuthorizationCode: true);
        int calls = 0;
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = "workload";
            o.AssertionProvider = (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(WorkloadJwt(platformKey, audience: "https://somewhere-else.example.com"));
            };
            o.Client.Issuer = authorizationServer.Issuer;
        });

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "tools/list");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.InvalidGrant);
        using (new AssertionScope())
        {
            calls.Should().Be(1);
            McpClientHarness.Describe(authorizationServer.TokenRequests).Should().Equal("POST /token 400");
            authorizationServer.AuthorizeRequestCount.Should().Be(0);
            authorizationServer.RegistrationCount.Should().Be(0);
            client.Browser.LaunchCount.Should().Be(0);
            McpClientHarness.Describe(mcpServer.McpRequests).Should().Equal("POST /mcp 401");
        }
    }

    // ---- enterprise-managed authorization (ID-JAG) ----

    [Fact]
    public async Task SendAsync_EnterpriseManaged_ExchangesTheIdTokenAtTheIdpThenPresentsTheIdJag()
    {
        const string idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.ZW50ZXJwcmlzZQ";
        using var idpKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var identityProvider = await TestAuthorizationServer.StartAsync(o => o.OnlyPreRegistered("idp-client", "idp-SECRET-42", "client_secret_basic"));
        identityProvider.EnableExtensionGrants(x =>
        {
            x.IdJagSigningKey = idpKey;
            x.AcceptedIdTokens.Add(idToken);
        });
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic", grantTypes: [JwtBearerGrant]);
        authorizationServer.Extensions.AssertionIssuerKeys[identityProvider.Issuer] = idpKey;
        using var client = McpClientHarness.Create(o =>
        {
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.EnterpriseManaged.TokenEndpoint = identityProvider.TokenEndpoint;
            o.EnterpriseManaged.ClientId = "idp-client";
            o.EnterpriseManaged.ClientSecret = "idp-SECRET-42";
            o.EnterpriseManaged.IdTokenProvider = (_, _) => ValueTask.FromResult(idToken);
            o.Client.Issuer = authorizationServer.Issuer;
        });

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list");

        response.Should().HaveStatusCode(
            HttpStatusCode.OK,
            string.Join("; ", identityProvider.ExtensionRejections.Concat(authorizationServer.ExtensionRejections)));
        RecordedRequest exchange = identityProvider.TokenRequests.Should().ContainSingle().Subject;
        RecordedRequest jwtBearer = authorizationServer.TokenRequests.Should().ContainSingle().Subject;
        TestJws idJag = TestJwt.Parse(jwtBearer.FormValue("assertion")!);
        using (new AssertionScope())
        {
            exchange.FormValue("grant_type").Should().Be("urn:ietf:params:oauth:grant-type:token-exchange");
            exchange.FormValue("requested_token_type").Should().Be("urn:ietf:params:oauth:token-type:id-jag");
            exchange.FormValue("audience").Should().Be(authorizationServer.Issuer);
            exchange.FormValue("resource").Should().Be(mcpServer.Resource);
            exchange.FormValue("subject_token").Should().Be(idToken);
            exchange.FormValue("subject_token_type").Should().Be("urn:ietf:params:oauth:token-type:id_token");
            DecodeBasic(exchange.Authorization).Should().Be("idp-client:idp-SECRET-42");
            jwtBearer.FormValue("grant_type").Should().Be(JwtBearerGrant);
            idJag.ClaimString("iss").Should().Be(identityProvider.Issuer);
            idJag.ClaimString("aud").Should().Be(authorizationServer.Issuer);
            DecodeBasic(jwtBearer.Authorization).Should().Be($"{ClientId}:{ClientSecret}");
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    // ---- DPoP ----

    [Fact]
    public async Task SendAsync_DpopWithClientCredentials_EveryRequestCarriesAFreshProofBoundToTheToken()
    {
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        var guard = DpopResourceGuard.Install(mcpServer);
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
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        var guard = DpopResourceGuard.Install(mcpServer);
        guard.Nonce = "rs-nonce-1";
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
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        authorizationServer.Extensions.DpopNonce = "as-nonce-1";
        var guard = DpopResourceGuard.Install(mcpServer);
        guard.Nonce = "rs-nonce-1";
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
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        var guard = DpopResourceGuard.Install(mcpServer);
        guard.Nonce = "rs-nonce-1";
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
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        var guard = DpopResourceGuard.Install(mcpServer);
        guard.Nonce = "rs-nonce";
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
        var (authorizationServer, mcpServer) = await StartMachineServersAsync("client_secret_basic");
        var guard = DpopResourceGuard.Install(mcpServer);
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

    /// <summary>Servers whose authorization server knows only <see cref="ClientId"/>, a machine client that authenticates
    /// with <paramref name="method"/> (its secret, or <paramref name="clientPublicKey"/>'s private half).</summary>
    private async Task<ServerPair> StartMachineServersAsync(
        string method,
        AsymmetricAlgorithm? clientPublicKey = null,
        IReadOnlyList<string>? grantTypes = null,
        Action<TestAuthorizationServerOptions>? configure = null,
        Action<TestMcpServerOptions>? mcp = null)
    {
        ServerPair servers = await StartServersAsync(
            o =>
            {
                o.GrantTypesSupported = grantTypes ?? ["client_credentials"];
                o.OnlyPreRegistered(ClientId, method == "private_key_jwt" ? null : ClientSecret, method, grantTypes ?? ["client_credentials"]);
                configure?.Invoke(o);
            },
            mcp);
        servers.AuthorizationServer.EnableExtensionGrants(x =>
        {
            if (clientPublicKey is not null)
            {
                x.ClientKeys[ClientId] = clientPublicKey;
            }
        });
        return servers;
    }

    /// <summary>A client pre-registered at <paramref name="authorizationServer"/> with <see cref="ClientId"/> and
    /// <see cref="ClientSecret"/>, bound to its issuer: automatic client credentials only for a client bound to it.</summary>
    private static McpClientHarness MachineClient(TestAuthorizationServer authorizationServer, bool useDpop = false) =>
        McpClientHarness.Create(o =>
        {
            o.UseDpop = useDpop;
            o.Client.ClientId = ClientId;
            o.Client.ClientSecret = ClientSecret;
            o.Client.Issuer = authorizationServer.Issuer;
        });

    private async Task<ServerPair> StartWorkloadServersAsync(AsymmetricAlgorithm platformKey, bool alsoAuthorizationCode = false)
    {
        ServerPair servers = await StartServersAsync(o =>
        {
            o.GrantTypesSupported = alsoAuthorizationCode ? ["authorization_code", "refresh_token", JwtBearerGrant] : [JwtBearerGrant];
            o.TokenEndpointAuthMethodsSupported = ["none"];
            o.RegistrationEnabled = alsoAuthorizationCode;
            o.PreRegisteredClients.Add(new TestClientRegistration { ClientId = "workload", GrantTypes = [JwtBearerGrant] });
        });
        servers.AuthorizationServer.EnableExtensionGrants(x => x.AssertionIssuerKeys[PlatformIssuer] = platformKey);
        return servers;
    }

    private static string WorkloadJwt(AsymmetricAlgorithm key, string audience)
    {
        long now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return TestJwt.Sign(
            new JsonObject
            {
                ["iss"] = PlatformIssuer,
                ["sub"] = "system:serviceaccount:ci:agent",
                ["aud"] = audience,
                ["iat"] = now,
                ["exp"] = now + 300,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            key);
    }

    private static AsymmetricAlgorithm PublicHalf(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ECDsa.Create(ec.ExportParameters(includePrivateParameters: false)),
        RSA rsa => RSA.Create(rsa.ExportParameters(includePrivateParameters: false)),
        _ => throw new ArgumentException("Unsupported key.", nameof(key)),
    };

    private static string StoredKeyThumbprint(string pkcs8)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        ECParameters p = key.ExportParameters(includePrivateParameters: false);
        return TestJwt.Thumbprint(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = TestJwt.B64(p.Q.X), ["y"] = TestJwt.B64(p.Q.Y) });
    }

    private static string? DecodeBasic(string? authorization) =>
        authorization is not null && authorization.StartsWith("Basic ", StringComparison.Ordinal)
            ? WebUtility.UrlDecode(Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])))
            : null;
}
