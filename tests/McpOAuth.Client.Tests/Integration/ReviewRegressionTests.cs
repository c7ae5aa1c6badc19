using System.Net;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Regression tests for defects a code review found: redirects, transient refresh failures, missing secrets.</summary>
public sealed class ReviewRegressionTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_ServerRedirectsToAnotherOriginThatChallenges_NoTokenEverReachesIt()
    {
        // RS-03: the inner handler follows a 302 to another origin (and drops Authorization); that origin's 401 must not
        // be answered with a fresh token, since the resend would go to the redirect target.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var sink = await TestMcpServer.StartAsync(null, o => o.OnMcpRequest = async context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.CompleteAsync();
            return true;
        });
        var redirect = new LaterAnswer(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = sink.McpUri.AbsoluteUri;
            return Task.CompletedTask;
        });
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.OnMcpRequest = redirect.HandleAsync);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        redirect.SwitchOn();
        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized, "the other origin's answer is passed back untouched");
            sink.McpRequests.Should().NotBeEmpty();
            sink.McpRequests.Should().OnlyContain(r => r.Authorization == null, "no token is ever sent to the redirect target");
            authorizationServer.TokenRequests.Should().ContainSingle("no renewal was started for another origin's challenge");
        }
    }

    [Fact]
    public async Task SendAsync_RefreshFailsTransientlyWhileTokenStillValid_RequestUsesTheTokenAndNothingIsDeleted()
    {
        // REF-07: a 503 during a proactive refresh inside the skew window neither fails the request nor deletes anything.
        var time = new FakeTimeProvider();
        var failRefresh = new LaterAnswer(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.CompleteAsync();
        });
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = TimeSpan.FromMinutes(10);
            o.OnTokenRequest = failRefresh.HandleAsync;
        });
        var store = new InMemoryTokenStore();
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time, tokenStore: store);

        string token = authorizationServer.IssuedAccessTokens.Single().Token;
        failRefresh.SwitchOn();
        time.Advance(TimeSpan.FromMinutes(9.5)); // inside the 60 s skew, not expired

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            mcpServer.McpRequests[^1].BearerToken.Should().Be(token);
            authorizationServer.TokenRequests.Count(r => r.FormValue("grant_type") == "refresh_token").Should().Be(1);
            (await store.ListAsync()).Should().ContainSingle().Which.AccessToken.Should().Be(token);
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_StoredConfidentialLoginWithoutItsSecret_KeptForARunThatHasIt()
    {
        // A pre-registered client's secret is never stored; a run without it must not send an unauthenticated refresh whose
        // invalid_client would delete the login.
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = TimeSpan.FromMinutes(10);
            o.OnlyPreRegistered("confidential", "conf-SECRET-123456", "client_secret_basic");
        });
        var store = new InMemoryTokenStore();
        using (var first = McpClientHarness.Create(
            o =>
            {
                o.Client.ClientId = "confidential";
                o.Client.ClientSecret = "conf-SECRET-123456";
                o.Client.Issuer = authorizationServer.Issuer;
            },
            timeProvider: time,
            tokenStore: store))
        {
            await first.CallOkAsync(mcpServer.McpUri, "initialize");
        }

        time.Advance(TimeSpan.FromMinutes(11));
        using var withoutSecret = McpClientHarness.Create(o => o.Client.ClientId = "confidential", timeProvider: time, tokenStore: store);

        string? token = await withoutSecret.Provider.GetAccessTokenAsync(mcpServer.McpUri);

        using (new AssertionScope())
        {
            token.Should().BeNull("it cannot refresh without its secret");
            authorizationServer.TokenRequests.Count(r => r.FormValue("grant_type") == "refresh_token").Should().Be(0);
            (await store.ListAsync()).Should().ContainSingle("the login stays for a run that has the secret");
        }
    }
}
