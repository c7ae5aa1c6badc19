using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Grants;

/// <summary>The hosted web sign-in holds the server to the same checks as the loopback code flow (issue 9: a drift found while
/// removing duplicates; before, it checked PKCE only).</summary>
public sealed class WebSignInFlowTests
{
    public static TheoryData<string, Func<AuthorizationServerDocument, AuthorizationServerDocument>, McpOAuthErrorCode> UnsuitableServers => new()
    {
        { "AUTH-13: no S256", s => s with { CodeChallengeMethodsSupported = null }, McpOAuthErrorCode.PkceUnsupported },
        { "RFC 8414 §2: response types without code", s => s with { ResponseTypesSupported = ["token"] }, McpOAuthErrorCode.GrantNotSupported },
        { "RFC 8414 §2: grant types without authorization_code", s => s with { GrantTypesSupported = ["client_credentials"] }, McpOAuthErrorCode.GrantNotSupported },
    };

    [Theory]
    [MemberData(nameof(UnsuitableServers))]
    public async Task StartAsync_ServerCannotServeTheCodeFlow_RefusedBeforeRegistrationOrPendingRecord(
        string because, Func<AuthorizationServerDocument, AuthorizationServerDocument> server, McpOAuthErrorCode expected)
    {
        using var rig = new GrantRig(o => o.Hosted.RedirectUri = new Uri("https://app.example.com/signin-mcp"), server);
        rig.RegistersPublicClient();
        var pending = new InMemoryPendingAuthorizationStore(rig.Time);
        var flow = new WebSignInFlow(
            rig.Options,
            new S256PkceGenerator(),
            pending,
            rig.Registrations,
            new ServerResolver(rig.Options, new HttpDiscoveryClient(TestBackchannel.Create(rig.Network, rig.Time), rig.Time, rig.Logger), rig.Logger),
            new SessionIndex(shareAcrossResource: false),
            rig.Tokens,
            rig.Completion,
            rig.Time);

        Func<Task> act = () => flow.StartAsync(rig.Request(), CancellationToken.None);

        (await act.Should().ThrowAsync<McpOAuthException>(because)).Which.Code.Should().Be(expected, because);
        rig.Network.Requests.Should().BeEmpty("nothing is registered for a server that cannot be used");
    }
}
