using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow;

/// <summary>Every row of the challenge decision table, without a server (AUTH-28..AUTH-30, AUTH-43, RS-10, RS-12, RFC 9449 §9).</summary>
public sealed class ChallengeTriageTests
{
    private static readonly Uri McpUri = new("https://mcp.example.com/mcp");
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decide_NoSession_AuthorizeWithTheConfiguredScopes()
    {
        ChallengeDecision decision = ChallengeTriage.Decide(Challenge(401), session: null, Now);

        decision.Should().Be(new ChallengeDecision(ChallengeAction.Authorize, Scopes: null, BypassCache: false));
    }

    [Fact]
    public void Decide_ChallengeNamesScopes_AuthorizeWithThemAddedToTheEarlierOnes()
    {
        ServerSession session = Session(Tokens("AT-1"), scopes: ["mcp:read"]);

        ChallengeDecision decision = ChallengeTriage.Decide(Challenge(401, rejected: "AT-OLD", scopes: ["mcp:write"]), session, Now);

        decision.Action.Should().Be(ChallengeAction.UseCurrent, "another caller renewed: its token is not the rejected one");
        ChallengeTriage.Decide(Challenge(401, rejected: "AT-1", scopes: ["mcp:write"]), Session(Tokens("AT-1"), ["mcp:read"]), Now)
            .Scopes.Should().Equal("mcp:read", "mcp:write");
    }

    [Fact]
    public void Decide_RejectedTokenWithARefreshToken_RefreshFirstAndRefetchMetadata()
    {
        // AUTH-43
        ServerSession session = Session(Tokens("AT-1", refreshToken: "RT-1"));

        ChallengeDecision decision = ChallengeTriage.Decide(Challenge(401, rejected: "AT-1"), session, Now);

        decision.Should().Be(new ChallengeDecision(ChallengeAction.RefreshThenAuthorize, Scopes: null, BypassCache: true));
    }

    [Fact]
    public void Decide_RejectedTokenCameFromARefresh_SignInInsteadOfRefreshingAgain()
    {
        ServerSession session = Session(Tokens("AT-0", refreshToken: "RT-1"));
        session.Renewed(Tokens("AT-1", refreshToken: "RT-2"), dpop: null, refreshed: true);

        ChallengeTriage.Decide(Challenge(401, rejected: "AT-1"), session, Now).Action.Should().Be(ChallengeAction.Authorize);
    }

    [Fact]
    public void Decide_TokenIssuedForThisRequestRejected_AuthorizationLoop()
    {
        // RS-10
        ServerSession session = Session(Tokens("AT-1", refreshToken: "RT-1"));

        Action act = () => ChallengeTriage.Decide(Challenge(401, rejected: "AT-1"), session, Now);
        Action loop = () => ChallengeTriage.Decide(New(Challenge(401, rejected: "AT-1")), session, Now);

        act.Should().NotThrow();
        loop.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationLoop);
    }

    [Fact]
    public void Decide_JustRefreshedTokenRejected_NotALoopSoTheUserCanSignIn()
    {
        // RS-10: at most one refresh plus one interactive sign-in per request
        ServerSession session = Session(Tokens("AT-0", refreshToken: "RT-1"));
        session.Renewed(Tokens("AT-1", refreshToken: "RT-2"), dpop: null, refreshed: true);

        ChallengeTriage.Decide(New(Challenge(401, rejected: "AT-1")), session, Now).Action.Should().Be(ChallengeAction.Authorize);
    }

    [Fact]
    public void Decide_InsufficientScopeWithNewScopes_StepUpWithTheUnion()
    {
        // AUTH-29
        ServerSession session = Session(Tokens("AT-1"), scopes: ["mcp:read"]);

        ChallengeDecision decision = ChallengeTriage.Decide(Challenge(403, rejected: "AT-1", scopes: ["mcp:admin"], error: "insufficient_scope"), session, Now);

        decision.Should().BeEquivalentTo(new ChallengeDecision(ChallengeAction.Authorize, ["mcp:read", "mcp:admin"], BypassCache: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decide_InsufficientScopeAddingNothing_InsufficientScope(bool namesAGrantedScope)
    {
        string[] scopes = namesAGrantedScope ? ["mcp:read"] : [];
        // AUTH-30, RS-12: asking again cannot help
        ServerSession session = Session(Tokens("AT-1"), scopes: ["mcp:read"]);

        Action act = () => ChallengeTriage.Decide(Challenge(403, rejected: "AT-1", scopes: scopes, error: "insufficient_scope"), session, Now);

        act.Should().Throw<McpOAuthException>().Which.Code.Should().Be(McpOAuthErrorCode.InsufficientScope);
    }

    [Fact]
    public void Decide_UseDpopNonceForTheCurrentDpopToken_RetryWithTheNonce()
    {
        ServerSession session = Session(Tokens("AT-1") with { TokenType = "DPoP", DpopKey = "KEY" });

        ChallengeDecision decision = ChallengeTriage.Decide(Challenge(401, rejected: "AT-1", error: "use_dpop_nonce", nonce: "n-1"), session, Now);

        decision.Action.Should().Be(ChallengeAction.RetryWithNonce);
    }

    [Fact]
    public void Decide_UseDpopNonceForABearerToken_NotANonceRetry()
    {
        ServerSession session = Session(Tokens("AT-1"));

        ChallengeTriage.Decide(Challenge(401, rejected: "AT-1", error: "use_dpop_nonce", nonce: "n-1"), session, Now)
            .Action.Should().NotBe(ChallengeAction.RetryWithNonce);
    }

    [Fact]
    public void Decide_CurrentTokenExpired_NotUsedForAnotherCallersChallenge()
    {
        ServerSession session = Session(Tokens("AT-2") with { ExpiresAt = Now.AddSeconds(-1) });

        ChallengeTriage.Decide(Challenge(401, rejected: "AT-1"), session, Now).Action.Should().Be(ChallengeAction.Authorize);
    }

    private static McpOAuthChallenge Challenge(int status, string? rejected = null, IReadOnlyList<string>? scopes = null, string? error = null, string? nonce = null) => new()
    {
        DpopNonce = nonce,
        RequestUri = McpUri,
        StatusCode = status,
        RejectedAccessToken = rejected,
        Scopes = scopes ?? [],
        Error = error,
    };

    private static McpOAuthChallenge New(McpOAuthChallenge challenge) => challenge.WithRejectedTokenIsNew();

    private static TokenSet Tokens(string accessToken, string? refreshToken = null) =>
        TokenSets.Bearer(accessToken, McpUri.AbsoluteUri) with { RefreshToken = refreshToken, ObtainedAt = Now.AddMinutes(-1), ExpiresAt = Now.AddHours(1) };

    private static ServerSession Session(TokenSet tokens, IReadOnlyList<string>? scopes = null)
    {
        var session = new ServerSession(tokens.Resource, McpUri, TokenSet.DefaultPartition, static () => { });
        var context = new AuthorizationContext(tokens.Issuer, new AuthorizationServerDocument { Issuer = tokens.Issuer }, new ClientRegistration
        {
            ClientId = tokens.ClientId,
            TokenEndpointAuthMethod = "none",
            Issuer = tokens.Issuer,
        }, tokens.Resource);
        session.Complete(tokens, dpop: null, context, scopes ?? [], reacquire: null);
        return session;
    }
}
