using System.Net;
using System.Text;

namespace McpOAuth.Client.Tests.Http;

/// <summary>The handler alone, over a <see cref="FakeMcpOAuthProvider"/> and a <see cref="FakeHttpMessageHandler"/>: what it
/// attaches, when it resends, where it stops (RS-01..RS-13, AUTH-28..AUTH-30, AUTH-48).</summary>
public sealed class McpOAuthHandlerTests : IDisposable
{
    private const string Mcp = "https://mcp.example.com/mcp";
    private const string Challenge401 = "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"";

    private readonly FakeHttpMessageHandler _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task SendAsync_TokenHeld_AttachedAsBearerWithoutAChallenge()
    {
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost(Mcp, FakeResponse.Json("{}"));

        using HttpResponseMessage response = await Send(provider);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            _server.Requests.Should().ContainSingle().Which.Authorization!.ToString().Should().Be("Bearer AT-1");
            provider.Challenges.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_ServerRejectsFirstToken_ResendsOnceWithTheAnsweredToken()
    {
        // RS-10: one resend, with the credential the challenge was answered with
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost(Mcp, Unauthorized(Challenge401), FakeResponse.Json("{}"));

        using HttpResponseMessage response = await Send(provider);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            _server.Requests.Select(r => r.Authorization?.Parameter).Should().Equal("AT-1", "AT-2");
            McpOAuthChallenge challenge = provider.Challenges.Should().ContainSingle().Subject;
            challenge.RejectedAccessToken.Should().Be("AT-1");
            challenge.ResourceMetadata.Should().Be("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
            challenge.Method.Should().Be(HttpMethod.Post);
            provider.CredentialRequests.Should().Be(1, "the challenge's answer is the credential to resend with");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SendAsync_ServerRejectsEveryToken_StopsAfterMaxAuthorizationAttempts(int max)
    {
        // AUTH-30, RS-10: bounded, and the bound comes from the source (no DI needed)
        var provider = new FakeMcpOAuthProvider(null, "AT-2", "AT-3", "AT-4", "AT-5") { MaxAuthorizationAttempts = max };
        _server.OnPost(Mcp, Unauthorized(Challenge401));

        Func<Task> act = () => Send(provider);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
        provider.Challenges.Should().HaveCount(max);
        _server.Requests.Should().HaveCount(max + 1);
    }

    [Fact]
    public async Task SendAsync_TokenIssuedForThisRequestRejectedAgain_ChallengeSaysSo()
    {
        // RS-10: the provider is told the rejected token is the one it just issued, so it does not sign in again
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2", "AT-3");
        _server.OnPost(Mcp, Unauthorized(Challenge401), Unauthorized(Challenge401), FakeResponse.Json("{}"));

        using HttpResponseMessage response = await Send(provider);

        provider.Challenges.Select(c => c.RejectedTokenIsNew).Should().Equal(false, true);
    }

    [Fact]
    public async Task SendAsync_InsufficientScope403_StepsUpWithTheChallengedScopes()
    {
        // AUTH-28, AUTH-29
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost(Mcp, Forbidden("Bearer error=\"insufficient_scope\", scope=\"mcp:write mcp:admin\""), FakeResponse.Json("{}"));

        using HttpResponseMessage response = await Send(provider);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            McpOAuthChallenge challenge = provider.Challenges.Should().ContainSingle().Subject;
            challenge.StatusCode.Should().Be(403);
            challenge.Scopes.Should().Equal("mcp:write", "mcp:admin");
            _server.Requests.Select(r => r.Authorization?.Parameter).Should().Equal("AT-1", "AT-2");
        }
    }

    [Theory]
    // AUTH-48: a 403 that is not insufficient_scope is an authorization decision
    [InlineData(HttpStatusCode.Forbidden, "Bearer error=\"invalid_token\"")]
    [InlineData(HttpStatusCode.Forbidden, null)]
    // RS-11: a 401 that challenges only another scheme is not answered with OAuth
    [InlineData(HttpStatusCode.Unauthorized, "Basic realm=\"x\"")]
    public async Task SendAsync_Other403OrA401ForAnotherScheme_ReturnedAsIsWithoutAuthorizing(HttpStatusCode status, string? challenge)
    {
        // AUTH-48, RS-11
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost(Mcp, WithChallenge(status, challenge));

        using HttpResponseMessage response = await Send(provider);

        response.Should().HaveStatusCode(status);
        provider.Challenges.Should().BeEmpty();
    }

    [Fact]
    public async Task SendAsync_PlainHttpToAnotherHost_NoTokenAsked()
    {
        // RS-01, AUTH-44: tokens only over https or to loopback
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost("http://mcp.example.com/mcp", Unauthorized(Challenge401));

        using HttpResponseMessage response = await Send(provider, "http://mcp.example.com/mcp");

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            _server.Requests.Single().Authorization.Should().BeNull();
            provider.CredentialRequests.Should().Be(0);
            provider.Challenges.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_ResponseFromARedirectTarget_ChallengeNotAnswered()
    {
        // RS-03, RS-04: an inner handler followed a redirect to another origin; its 401 must not be answered with a token
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        var redirecting = new RedirectingHandler(new Uri("https://evil.example.com/mcp")) { InnerHandler = _server };
        _server.OnPost("https://evil.example.com/mcp", Unauthorized(Challenge401));

        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = redirecting });
        using HttpResponseMessage response = await client.PostAsync(new Uri(Mcp), new StringContent("{}"));

        response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
        provider.Challenges.Should().BeEmpty();
    }

    [Fact]
    public async Task SendAsync_StreamedBody_ResentByteForByte()
    {
        // RS-10: the resend carries the same body, though the content was a one-shot stream
        var provider = new FakeMcpOAuthProvider(null, "AT-2");
        _server.OnPost(Mcp, Unauthorized(Challenge401), FakeResponse.Json("{}"));
        byte[] body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"x\":\"h\u00e9llo\"}}");
        using var content = new StreamContent(new MemoryStream(body));

        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = _server });
        using HttpResponseMessage response = await client.PostAsync(new Uri(Mcp), content);

        _server.Requests.Select(r => r.Body).Should().Equal(Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task SendAsync_RequestWithItsOwnAuthorization_PassedThroughUntouched()
    {
        var provider = new FakeMcpOAuthProvider("AT-1", "AT-2");
        _server.OnPost(Mcp, Unauthorized(Challenge401));
        using var request = new HttpRequestMessage(HttpMethod.Post, Mcp) { Content = new StringContent("{}") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "APP-TOKEN");

        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = _server });
        using HttpResponseMessage response = await client.SendAsync(request);

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.Unauthorized);
            _server.Requests.Single().Authorization!.Parameter.Should().Be("APP-TOKEN");
            provider.CredentialRequests.Should().Be(0);
        }
    }

    [Fact]
    public async Task SendAsync_ProviderFailsTheChallenge_ExceptionSurfacesAndNothingIsResent()
    {
        var provider = new FakeMcpOAuthProvider(null, "AT-2") { ChallengeError = new McpOAuthException(McpOAuthErrorCode.DiscoveryFailed, "no metadata") };
        _server.OnPost(Mcp, Unauthorized(Challenge401));

        Func<Task> act = () => Send(provider);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
        _server.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Constructor_SourceWithAnUnusableBound_Refused(int max)
    {
        Action act = () => _ = new McpOAuthHandler(new FakeMcpOAuthProvider("AT-1") { MaxAuthorizationAttempts = max });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Send_Synchronous_NotSupported()
    {
        using var invoker = new HttpMessageInvoker(new McpOAuthHandler(new FakeMcpOAuthProvider("AT-1")) { InnerHandler = _server });
        using var request = new HttpRequestMessage(HttpMethod.Get, Mcp);

        Action act = () => invoker.Send(request, CancellationToken.None);

        act.Should().Throw<NotSupportedException>();
    }

    private async Task<HttpResponseMessage> Send(IMcpOAuthCredentialSource provider, string uri = Mcp)
    {
        using var client = new HttpClient(new McpOAuthHandler(provider) { InnerHandler = _server }, disposeHandler: false);
        return await client.PostAsync(new Uri(uri), new StringContent("{}")).WaitAsync(TestTimeouts.Default);
    }

    private static FakeResponse Unauthorized(string challenge) => WithChallenge(HttpStatusCode.Unauthorized, challenge);

    private static FakeResponse Forbidden(string? challenge) => WithChallenge(HttpStatusCode.Forbidden, challenge);

    private static FakeResponse WithChallenge(HttpStatusCode status, string? challenge) => FakeResponse.From(() =>
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        if (challenge is not null)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        }

        return response;
    });

    /// <summary>An inner handler that follows a redirect, as a careless pipeline might: it changes the request's URI.</summary>
    private sealed class RedirectingHandler(Uri target) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = target;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
