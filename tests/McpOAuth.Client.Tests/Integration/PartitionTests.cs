using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Issue 11, item 2: tokens per user. One provider and one store serve several partitions, and a partition's token is
/// never attached to another partition's request, signed out with another's, or listed with another's.</summary>
public sealed class PartitionTests : ServerPairTest
{
    [Fact]
    public async Task SendAsync_TwoUsersOfOneProvider_EachSignsInAndEachRequestCarriesItsOwnToken()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(tokenStore: store);

        string alice = await SignInAsAsync(client, mcpServer, "alice");
        string bob = await SignInAsAsync(client, mcpServer, "bob");
        List<Task<(string User, string? Token)>> calls = [];
        for (int i = 0; i < 40; i++)
        {
            string user = i % 2 == 0 ? "alice" : "bob";
            calls.Add(CallAsAsync(client, mcpServer, user, i + 10));
        }

        (string User, string? Token)[] results = await Task.WhenAll(calls);

        using (new AssertionScope())
        {
            alice.Should().NotBe(bob);
            results.Where(r => r.User == "alice").Should().OnlyContain(r => r.Token == alice);
            results.Where(r => r.User == "bob").Should().OnlyContain(r => r.Token == bob);
            client.Browser.LaunchCount.Should().Be(2, "one sign-in per user, none shared");
            (await store.ListAsync()).Select(t => t.Partition).Should().BeEquivalentTo("alice", "bob");
        }
    }

    [Fact]
    public async Task SendAsync_UserWithoutALogin_GoesWithoutAnotherUsersTokenAndSignsInAsThemselves()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var client = McpClientHarness.Create();
        string alice = await SignInAsAsync(client, mcpServer, "alice");
        int before = mcpServer.McpRequests.Count;

        using (McpOAuthPartition.Enter("bob"))
        {
            using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);
            response.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        using (new AssertionScope())
        {
            McpClientHarness.Describe(mcpServer.McpRequests.Skip(before)).Should().Equal("POST /mcp 401", "POST /mcp 200");
            mcpServer.McpRequests[before].BearerToken.Should().BeNull("bob's first request carries nobody's token");
            mcpServer.McpRequests[^1].BearerToken.Should().NotBe(alice);
        }
    }

    [Fact]
    public async Task SignOutAndListLogins_InOnePartition_TouchOnlyThatPartition()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        var store = new InMemoryTokenStore();
        using var client = McpClientHarness.Create(tokenStore: store);
        await SignInAsAsync(client, mcpServer, "alice");
        string bob = await SignInAsAsync(client, mcpServer, "bob");

        SignOutResult result;
        IReadOnlyList<McpOAuthLogin> aliceLogins;
        using (McpOAuthPartition.Enter("alice"))
        {
            result = await client.Provider.SignOutAsync(serverUri: null);
            aliceLogins = await client.Provider.ListLoginsAsync();
        }

        IReadOnlyList<McpOAuthLogin> bobLogins;
        string? bobToken;
        using (McpOAuthPartition.Enter("bob"))
        {
            bobLogins = await client.Provider.ListLoginsAsync();
            bobToken = await client.Provider.GetAccessTokenAsync(mcpServer.McpUri);
        }

        using (new AssertionScope())
        {
            result.Removed.Should().ContainSingle().Which.Partition.Should().Be("alice");
            aliceLogins.Should().BeEmpty();
            bobLogins.Should().ContainSingle().Which.Key.Partition.Should().Be("bob");
            bobToken.Should().Be(bob);
            (await store.ListAsync()).Should().ContainSingle().Which.Partition.Should().Be("bob");
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_NewProviderOverAFileStore_LoadsOnlyTheCurrentPartition()
    {
        using var directory = new TestDoubles.TempDirectory();
        var (authorizationServer, mcpServer) = await StartServersAsync();
        string alice;
        using (var first = McpClientHarness.Create(tokenStore: new FileTokenStore(directory.Path)))
        {
            alice = await SignInAsAsync(first, mcpServer, "alice");
        }

        using var restarted = McpClientHarness.Create(tokenStore: new FileTokenStore(directory.Path));
        string? asBob;
        string? asAlice;
        string? asNobody = await restarted.Provider.GetAccessTokenAsync(mcpServer.McpUri);
        using (McpOAuthPartition.Enter("bob"))
        {
            asBob = await restarted.Provider.GetAccessTokenAsync(mcpServer.McpUri);
        }

        using (McpOAuthPartition.Enter("alice"))
        {
            asAlice = await restarted.Provider.GetAccessTokenAsync(mcpServer.McpUri);
        }

        using (new AssertionScope())
        {
            asNobody.Should().BeNull("the default partition is a partition of its own");
            asBob.Should().BeNull();
            asAlice.Should().Be(alice);
        }
    }

    [Fact]
    public void Enter_NestedScopes_RestoreThePreviousPartitionAndRefuseControlCharacters()
    {
        using (McpOAuthPartition.Enter("outer"))
        {
            using (McpOAuthPartition.Enter("inner"))
            {
                McpOAuthPartition.Current.Should().Be("inner");
            }

            McpOAuthPartition.Current.Should().Be("outer");
        }

        McpOAuthPartition.Current.Should().BeEmpty();
        FluentActions.Invoking(() => McpOAuthPartition.Enter("a\nb")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => McpOAuthPartition.Enter(new string('x', 257))).Should().Throw<ArgumentException>();
    }

    private static async Task<string> SignInAsAsync(McpClientHarness client, TestMcpServer mcpServer, string user)
    {
        using (McpOAuthPartition.Enter(user))
        {
            using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "initialize");
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            return mcpServer.McpRequests[^1].BearerToken!;
        }
    }

    private static async Task<(string User, string? Token)> CallAsAsync(McpClientHarness client, TestMcpServer mcpServer, string user, int id)
    {
        using (McpOAuthPartition.Enter(user))
        {
            using HttpRequestMessage request = McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/list", id));
            using HttpResponseMessage response = await client.Http.SendAsync(request).WaitAsync(McpClientHarness.HangGuard);
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            return (user, request.Headers.Authorization?.Parameter);
        }
    }
}
