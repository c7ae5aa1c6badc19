using System.Net;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue sections 2.2 and 2.9, protected resource metadata and the <c>resource_metadata</c> parameter (T3, T11,
/// T18), against loopback servers.</summary>
public sealed class DiscoveryCatalogueTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_AuthorizationServersStartWithANonHttpEntry_ItIsDroppedAndTheListedServerUsed()
    {
        // PRM-05: a javascript: entry is never an issuer; the next, valid one is.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o =>
            o.MutateMetadata = d => d["authorization_servers"] = new JsonArray("javascript:alert(1)", "data:text/html,x", authorizationServer.Issuer));
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        authorizationServer.IssuedAccessTokens.Should().ContainSingle();
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://user@evil.example")]
    [InlineData("https://evil.example/as#frag")]
    public async Task SendAsync_FirstAuthorizationServerIsInsecure_DroppedAndTheListedSecureOneUsed(string entry)
    {
        // PRM-05 ("dropped or rejected"): an insecure first entry is never an issuer. Since issue 12 (AUTH-08, as the reference
        // client does) an entry that cannot be used gives way to the next listed one, judged on its own metadata: the sign-in
        // happens at the secure, listed server, exactly once, and the stored credential names that issuer.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o =>
            o.MutateMetadata = d => d["authorization_servers"] = new JsonArray(entry, authorizationServer.Issuer));
        using var client = McpClientHarness.Create();

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");

        using (new AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.IssuedAccessTokens.Should().ContainSingle();
            client.Browser.LaunchCount.Should().Be(1);
            client.Browser.LaunchedUris.Single().GetLeftPart(UriPartial.Authority)
                .Should().Be(new Uri(authorizationServer.Issuer).GetLeftPart(UriPartial.Authority));
            (await client.Provider.ListLoginsAsync()).Should().ContainSingle().Which.Key.Issuer.Should().Be(authorizationServer.Issuer);
        }
    }

    [Fact]
    public async Task SendAsync_TenThousandAuthorizationServers_OnlyTheFirstSixteenAreConsidered()
    {
        // PRM-05: the list is bounded (McpOAuthDefaults.MaxAuthorizationServers): an issuer at position 20 behind unusable
        // entries is never reached, and a selector sees at most 16 candidates.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        var entries = new JsonArray();
        for (int i = 0; i < 10_000; i++)
        {
            entries.Add(JsonValue.Create(i == 20 ? authorizationServer.Issuer : "javascript:void(" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")"));
        }

        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer, o => o.MutateMetadata = d => d["authorization_servers"] = entries.DeepClone());
        int offered = -1;
        using var unselected = McpClientHarness.Create();
        using var selecting = McpClientHarness.Create(o => o.SelectAuthorizationServer = candidates =>
        {
            offered = candidates.Count;
            return candidates[0];
        });

        Func<Task> plain = () => unselected.CallAsync(mcpServer.McpUri, "initialize");
        Func<Task> selected = () => selecting.CallAsync(mcpServer.McpUri, "initialize");

        (await plain.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
        await selected.Should().ThrowAsync<McpOAuthException>();
        using (new AssertionScope())
        {
            offered.Should().Be(McpOAuthDefaults.MaxAuthorizationServers);
            authorizationServer.Requests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task SendAsync_SelectorChoosesAServerTheResourceDoesNotList_Refused()
    {
        // PRM-05: the chosen authorization server must be in the list.
        await using var authorizationServer = await TestAuthorizationServer.StartAsync();
        await using var other = await TestAuthorizationServer.StartAsync();
        await using var mcpServer = await TestMcpServer.StartAsync(authorizationServer);
        using var client = McpClientHarness.Create(o => o.SelectAuthorizationServer = _ => other.Issuer);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.DiscoveryFailed);
        other.Requests.Should().BeEmpty();
        authorizationServer.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/elsewhere")]
    [InlineData("http://evil.example/.well-known/oauth-protected-resource")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user@evil.example/prm")]
    public async Task SendAsync_ChallengeNamesAnUnusableResourceMetadataUrl_IgnoredAndTheWellKnownDocumentUsed(string value)
    {
        // WWWA-07 end to end: relative, plain http to another host, javascript: and userinfo are never fetched.
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.ResourceMetadataOverride = value);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri);

        McpClientHarness.Describe(mcpServer.Requests).Should().Equal("POST /mcp 401", "GET /.well-known/oauth-protected-resource/mcp 200", "POST /mcp 200");
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/", false)]
    [InlineData("https://10.0.0.1/.well-known/oauth-protected-resource", true)]
    [InlineData("https://[fd00::1]/.well-known/oauth-protected-resource", true)]
    public async Task SendAsync_ChallengeNamesAnInternalResourceMetadataUrl_BlockedBeforeConnecting(string value, bool strict)
    {
        // WWWA-07 with NET-01: a cross-origin internal address is blocked by the connect policy (metadata addresses always,
        // private ones under the strict policy); the sign-in stops with a typed error.
        var clock = new RetryClock(new ObservableTimeProvider());
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o => o.ResourceMetadataOverride = value);
        using var client = McpClientHarness.Create(
            o =>
            {
                o.Network.RefusePrivateNetworks = strict;
                o.Network.AllowedHosts.Add("127.0.0.1");
            },
            timeProvider: clock.Time);

        McpOAuthException blocked = await clock.FailureOfAsync(client.CallAsync(mcpServer.McpUri, "initialize"));

        using (new AssertionScope())
        {
            blocked.Code.Should().Be(McpOAuthErrorCode.ServerUnreachable);
            blocked.InnerException!.Message.Should().Contain("SSRF");
            authorizationServer.Requests.Should().BeEmpty();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }
}
