using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using StackExchange.Redis;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Issue 11, "done when": the web-app sample as two real processes on two ports sharing one real redis-server, behind
/// one public URL (the test plays the load balancer). A sign-in started on one instance completes on the other, each user sees
/// only their own tools, and a callback with another user's state, a replay or an expired one is refused.</summary>
public sealed class SampleRedisTests
{
    private static readonly Uri PublicUrl = new("http://127.0.0.1:5997/");

    [Fact]
    public async Task Sample_TwoInstances_SignInStartedOnACompletesOnBAndBothServeTheUser()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var servers = await WebAppServers.StartAsync();
        await using var a = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri, Endpoint(redis));
        await using var b = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri, Endpoint(redis));
        using var alice = new SampleBrowser();
        await alice.LoginAsync(a, "alice"); // The cookie instance A issued, read by B through the shared key ring.

        Uri callback = await SampleInMemoryTests.StartAndApproveAsync(alice, a);
        using HttpResponseMessage completedOnB = await alice.GetAsync(b.Route(callback));
        string onB = await (await alice.GetAsync(b, "/tools")).Content.ReadAsStringAsync();
        string onA = await (await alice.GetAsync(a, "/tools")).Content.ReadAsStringAsync();
        using HttpResponseMessage replayOnA = await alice.GetAsync(a.Route(callback));

        string expected = SampleInMemoryTests.ToolsPage("alice", servers.AuthorizationServer.IssuedAccessTokens.Single().Token);
        using (new AssertionScope(a.Output + b.Output))
        {
            completedOnB.Should().HaveStatusCode(HttpStatusCode.Redirect);
            completedOnB.Headers.Location!.OriginalString.Should().Be("/tools");
            onB.Should().Be(expected);
            onA.Should().Be(expected, "instance A finds the token instance B stored");
            servers.AuthorizationServer.TokenRequests.Should().ContainSingle();
            await WebAppSignInTests.ShouldBeRefusedAsync(replayOnA, HttpStatusCode.BadRequest, callback);
        }
    }

    [Fact]
    public async Task Sample_TwoInstances_UsersAreKeptApartAndForeignStateReplayAndExpiryAreRefused()
    {
        await using var redis = await RedisServer.StartAsync();
        await using ConnectionMultiplexer operator_ = await redis.ConnectAsync();
        await using var servers = await WebAppServers.StartAsync();
        await using var a = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri, Endpoint(redis));
        await using var b = await SampleProcess.StartAsync(PublicUrl, servers.McpServer.McpUri, Endpoint(redis));
        using var alice = new SampleBrowser();
        using var bob = new SampleBrowser();
        await alice.LoginAsync(a, "alice");
        await bob.LoginAsync(b, "bob");

        using HttpResponseMessage bobWithAlicesState = await bob.GetAsync(b.Route(await SampleInMemoryTests.StartAndApproveAsync(alice, a)));
        Uri expiring = await SampleInMemoryTests.StartAndApproveAsync(alice, a);
        TimeSpan? ttl = await ExpireAsync(operator_, expiring);
        using HttpResponseMessage expired = await alice.GetAsync(b.Route(expiring));
        using HttpResponseMessage aliceDone = await alice.GetAsync(b.Route(await SampleInMemoryTests.StartAndApproveAsync(alice, a)));
        using HttpResponseMessage bobDone = await bob.GetAsync(a.Route(await SampleInMemoryTests.StartAndApproveAsync(bob, b)));
        string aliceTools = await (await alice.GetAsync(b, "/tools")).Content.ReadAsStringAsync();
        string bobTools = await (await bob.GetAsync(a, "/tools")).Content.ReadAsStringAsync();
        using HttpResponseMessage bobApi = await bob.GetAsync(a, "/logout-mcp");
        using HttpResponseMessage bobAfterLogout = await bob.GetAsync(b, "/tools", accept: "application/json");

        IReadOnlyList<IssuedAccessToken> issued = servers.AuthorizationServer.IssuedAccessTokens;
        using (new AssertionScope(a.Output + b.Output))
        {
            bobWithAlicesState.Should().HaveStatusCode(HttpStatusCode.BadRequest);
            ttl.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(10), "the pending lifetime is the Redis expiry");
            expired.Should().HaveStatusCode(HttpStatusCode.BadRequest);
            aliceDone.Should().HaveStatusCode(HttpStatusCode.Redirect);
            bobDone.Should().HaveStatusCode(HttpStatusCode.Redirect);
            issued.Should().HaveCount(2, "no refused callback was exchanged");
            aliceTools.Should().Be(SampleInMemoryTests.ToolsPage("alice", issued[0].Token));
            bobTools.Should().Be(SampleInMemoryTests.ToolsPage("bob", issued[1].Token));
            bobApi.Should().HaveStatusCode(HttpStatusCode.OK);
            bobAfterLogout.Should().HaveStatusCode(HttpStatusCode.Unauthorized, "bob's credential is gone from every instance; an API caller gets the JSON 401");
            JsonNode.Parse(await bobAfterLogout.Content.ReadAsStringAsync())!["error"]!.GetValue<string>().Should().Be("sign_in_required");
        }
    }

    private static string Endpoint(RedisServer redis) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{redis.Port}");

    /// <summary>Lets the pending sign-in of a callback expire now, as its Redis expiry would (EXPIREAT in the past deletes a key
    /// as expired); returns the expiry it had.</summary>
    private static async Task<TimeSpan?> ExpireAsync(ConnectionMultiplexer connection, Uri callback)
    {
        string state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"]!;
        RedisKey key = "mcpoauth-sample:pending:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
        IDatabase db = connection.GetDatabase();
        TimeSpan? ttl = await db.KeyTimeToLiveAsync(key);
        (await db.KeyExpireAsync(key, DateTime.UnixEpoch)).Should().BeTrue();
        return ttl;
    }
}
