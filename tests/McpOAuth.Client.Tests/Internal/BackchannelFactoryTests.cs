using System.Net;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

public sealed class BackchannelFactoryTests
{
    [Fact]
    public async Task Create_WithoutHandler_BuildsTheSharedClientOnTheFirstCallOnly()
    {
        // Issue 13: a provider that answers from a stored token (mcp-oauth token) never builds an HttpClient or its handler.
        // A policy of its own (a unique allowed host) keeps other tests' shared clients out of this one.
        var policy = new ConnectPolicy(refusePrivateNetworks: true, ["127.0.0.1", Guid.NewGuid().ToString("N") + ".example"]);
        await using var server = await TestAuthorizationServer.StartAsync();

        Backchannel backchannel = BackchannelFactory.Create(handler: null, policy, TimeProvider.System, TimeSpan.FromSeconds(30));
        bool builtBeforeTheCall = BackchannelFactory.IsSharedClientCreated(policy);
        BackchannelResponse response = await backchannel.GetAsync(server.OAuthMetadataUri, null, CancellationToken.None).WaitAsync(TestTimeouts.Default);

        builtBeforeTheCall.Should().BeFalse();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        BackchannelFactory.IsSharedClientCreated(policy).Should().BeTrue();
    }
}
