using McpOAuth.Client.Internal;

namespace McpOAuth.Client.Tests.Flow.Sessions;

/// <summary>RS-01: which endpoints a credential's entries cover.</summary>
public sealed class CredentialEndpointsTests
{
    [Theory]
    [InlineData("https://gw/t/A/mcp", "https://gw/t/A/mcp", true)]
    [InlineData("https://gw/t/A/mcp", "https://gw/t/B/mcp", false)]
    [InlineData("https://gw/t/A/mcp", "https://gw/t/A/mcp/sub", false)]
    [InlineData("https://gw/t/A/mcp", "https://gw/t/A", false)]
    [InlineData("https://gw/*", "https://gw/messages", true)]
    [InlineData("https://gw/*", "https://gw", true)]
    [InlineData("https://gw/*", "https://gwx/messages", false)]
    [InlineData("https://gw/*", "https://gw:8443/messages", false)]
    [InlineData("https://gw/*", "http://gw/messages", false)]
    [InlineData("https://gw/t/A/*", "https://gw/t/AB/mcp", false)]
    public void Cover_Entry_CoversExactlyItsEndpointOrWhatLiesUnderAWildcard(string entry, string endpoint, bool covered) =>
        CredentialEndpoints.Cover([entry], endpoint).Should().Be(covered);

    [Fact]
    public void For_ServerWithMetadata_ItsEndpointWithoutQuery()
    {
        CredentialEndpoints.For(new Uri("https://GW.example.com/t/A/mcp?x=1"), legacy: false).Should().Be("https://gw.example.com/t/A/mcp");
        CredentialEndpoints.For(new Uri("https://gw.example.com/"), legacy: false).Should().Be("https://gw.example.com");
    }

    [Fact]
    public void For_2025_03_26Server_TheWholeOrigin()
    {
        // The HTTP+SSE transport's /sse and /messages?sessionId=… share one sign-in (issue 12).
        string entry = CredentialEndpoints.For(new Uri("https://gw.example.com:8443/sse"), legacy: true);

        entry.Should().Be("https://gw.example.com:8443/*");
        CredentialEndpoints.Cover([entry], UriPolicy.CanonicalResource(new Uri("https://gw.example.com:8443/messages?sessionId=1"))).Should().BeTrue();
    }

    [Fact]
    public void Union_RepeatedEntries_EachOnceInOrder()
    {
        IReadOnlyList<string> first = ["https://gw/a"];

        CredentialEndpoints.Union(first, ["https://gw/a"]).Should().BeSameAs(first);
        CredentialEndpoints.Union(first, ["https://gw/b", "https://gw/a"]).Should().Equal("https://gw/a", "https://gw/b");
    }
}
