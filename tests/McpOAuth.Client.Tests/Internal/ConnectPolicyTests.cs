using System.Net;
using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Internal;

/// <summary>T11 / NET-01, NET-02: the backchannel's connect-time address policy.</summary>
public sealed class ConnectPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254")]          // cloud metadata
    [InlineData("169.254.0.1")]              // IPv4 link-local
    [InlineData("::ffff:169.254.169.254")]   // the same, IPv4-mapped (NET-02)
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("100.100.100.200")]          // Alibaba Cloud metadata
    [InlineData("fe80::1")]                  // IPv6 link-local
    [InlineData("fd00:ec2::254")]            // EC2 metadata over IPv6
    [InlineData("ff02::1")]
    [InlineData("::")]
    public void IsAllowed_LinkLocalMetadataMulticastOrUnspecified_Refused(string address)
    {
        ConnectPolicy.IsAllowed(IPAddress.Parse(address)).Should().BeFalse();
    }

    [Theory]
    [InlineData("127.0.0.1")]   // local development
    [InlineData("::1")]
    [InlineData("10.0.0.1")]    // enterprise authorization servers on private networks
    [InlineData("192.168.1.1")]
    [InlineData("172.16.0.1")]
    [InlineData("93.184.216.34")]
    [InlineData("2001:db8::1")]
    public void IsAllowed_PublicPrivateOrLoopback_Allowed(string address)
    {
        ConnectPolicy.IsAllowed(IPAddress.Parse(address)).Should().BeTrue();
    }

    [Fact]
    public async Task BackchannelHandler_LoopbackServer_StillConnects()
    {
        await using var server = await TestServers.TestAuthorizationServer.StartAsync();
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler());

        using HttpResponseMessage response = await client.GetAsync(server.OAuthMetadataUri);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }
}
