namespace McpOAuth.Client.Tests.Integration;

/// <summary>The check of a sign-in the client gives up once it has read the authorization server's metadata (an issuer it
/// cannot trust, no usable PKCE, no way to register): the first call fails with a typed error, no browser opens, and the
/// metadata document is all the authorization server is asked for.</summary>
internal static class RefusedAfterMetadata
{
    /// <summary>Calls <paramref name="servers"/>' MCP server with a new client and checks it is refused with
    /// <paramref name="expected"/> after the metadata request alone.</summary>
    public static async Task AssertAsync(ServerPair servers, McpOAuthErrorCode expected)
    {
        using var client = McpClientHarness.Create();

        Func<Task> act = () => client.CallAsync(servers.McpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(expected);
        using (new AssertionScope())
        {
            client.Browser.LaunchCount.Should().Be(0);
            McpClientHarness.Describe(servers.AuthorizationServer.Requests).Should().Equal("GET /.well-known/oauth-authorization-server 200");
        }
    }
}
