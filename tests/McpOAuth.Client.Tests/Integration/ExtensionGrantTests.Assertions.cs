using System.Net;
using System.Security.Cryptography;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>The grants that present an assertion: the JWT bearer grant (workload identity federation) and enterprise-managed
/// authorization (ID-JAG).</summary>
public sealed partial class ExtensionGrantTests
{
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
}
