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
    [InlineData("64:ff9b::a9fe:a9fe")]       // 169.254.169.254 through NAT64
    [InlineData("2002:a9fe:a9fe::1")]        // 169.254.169.254 through 6to4
    public void IsAllowed_LinkLocalMetadataMulticastOrUnspecified_Refused(string address)
    {
        // NET-01, NET-02: refused under every policy and allow-list, in every encoding
        ConnectPolicy.IsAlwaysAllowed(IPAddress.Parse(address)).Should().BeFalse();
        new ConnectPolicy(refusePrivateNetworks: true, [address]).IsAllowed(IPAddress.Parse(address), address).Should().BeFalse("an allow-list never opens metadata addresses");
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
        ConnectPolicy.Default.IsAllowed(IPAddress.Parse(address), "host.example").Should().BeTrue();
    }

    [Fact]
    public async Task BackchannelHandler_LoopbackServer_StillConnects()
    {
        await using var server = await TestServers.TestAuthorizationServer.StartAsync();
        using var client = new HttpClient(BackchannelFactory.CreatePrimaryHandler(ConnectPolicy.Default));

        using HttpResponseMessage response = await client.GetAsync(server.OAuthMetadataUri);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]               // CGNAT
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("fd12:3456::1")]             // unique-local
    [InlineData("fc00::1")]
    [InlineData("::ffff:10.0.0.1")]          // IPv4-mapped (NET-02)
    [InlineData("64:ff9b::a00:1")]           // 10.0.0.1 through NAT64
    public void IsAllowed_StrictPolicyAndAPrivateAddress_RefusedUnlessTheHostIsAllowListed(string address)
    {
        // NET-01, issue 10 item 2
        var strict = new ConnectPolicy(refusePrivateNetworks: true, ["dev.local"]);

        strict.IsAllowed(IPAddress.Parse(address), "api.example.com").Should().BeFalse();
        strict.IsAllowed(IPAddress.Parse(address), "DEV.local").Should().BeTrue();
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:db8::1")]
    public void IsAllowed_StrictPolicyAndAPublicAddress_Allowed(string address)
    {
        new ConnectPolicy(refusePrivateNetworks: true, []).IsAllowed(IPAddress.Parse(address), "api.example.com").Should().BeTrue();
    }
}
