using System.Net;
using CapturingLoggerProvider = McpOAuth.Client.Tests.TestDoubles.CapturingLoggerProvider;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue section 2.11 (REG): REG-06, a dynamically registered client's secret past its <c>client_secret_expires_at</c>
/// (RFC 7591 §3.2.1) is never sent again; the client registers again and the user signs in again.</summary>
public sealed class RegistrationCatalogueTests : ServerPairTest
{
    private static readonly TimeSpan SecretLifetime = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_DynamicClientSecretExpired_RegistersAndSignsInAgainWithoutSendingIt(bool nextRun)
    {
        // REG-06: on refresh (this run, or the next one from the store) and then on sign-in, the expired client is not used
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenStore();
        using var logs = new CapturingLoggerProvider();
        var (authorizationServer, mcpServer) = await StartConfidentialAsync(time, SecretLifetime);
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var firstRun = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time, tokenStore: store, loggerFactory: factory);

        TestClientRegistration expired = authorizationServer.Clients.Should().ContainSingle().Subject;
        time.Advance(SecretLifetime + TimeSpan.FromMinutes(1));
        using McpClientHarness? secondRun = nextRun ? McpClientHarness.Create(timeProvider: time, tokenStore: store, loggerFactory: factory) : null;

        using HttpResponseMessage response = await (secondRun ?? firstRun).CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(0, "the expired secret is never sent with a refresh");
            authorizationServer.RegistrationCount.Should().Be(2, "the client registered again");
            (firstRun.Browser.LaunchCount + (secondRun?.Browser.LaunchCount ?? 0)).Should().Be(2, "the user signed in again");
            authorizationServer.TokenRequests[^1].FormValue("code").Should().NotBeNull();
            BasicClientId(authorizationServer.TokenRequests[^1]).Should().NotBe(expired.ClientId, "the new client authenticates");
            logs.Entries.Should().Contain(e => e.EventId.Name == "ClientSecretExpired");
            logs.AllText.Should().NotContain(expired.ClientSecret!);
        }
    }

    [Fact]
    public async Task SendAsync_DynamicClientSecretNeverExpires_RefreshesWithTheSameClient()
    {
        // REG-06, RFC 7591 §3.2.1: client_secret_expires_at = 0 means the secret does not expire
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartConfidentialAsync(time, secretLifetime: null);
        using var client = await McpClientHarness.SignedInAsync(mcpServer.McpUri, timeProvider: time);

        time.Advance(TimeSpan.FromDays(400));

        using HttpResponseMessage response = await client.CallAsync(mcpServer.McpUri, "tools/list", 2);

        response.Should().HaveStatusCode(HttpStatusCode.OK);
        using (new AssertionScope())
        {
            authorizationServer.TokenRequestCount("refresh_token").Should().Be(1);
            authorizationServer.RegistrationCount.Should().Be(1);
            client.Browser.LaunchCount.Should().Be(1);
        }
    }

    [Fact]
    public async Task SignInAsync_SecondSignInAfterTheSecretExpired_RegistersAgain()
    {
        // REG-06 (sign-in): a known dynamic client, reused by an explicit sign-in while its secret lives, is not reused once expired
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartConfidentialAsync(time, SecretLifetime);
        using var client = McpClientHarness.Create(timeProvider: time);
        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        int whileValid = authorizationServer.RegistrationCount;
        time.Advance(SecretLifetime);

        TokenSet tokens = await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        using (new AssertionScope())
        {
            whileValid.Should().Be(1, "a live client is reused");
            authorizationServer.RegistrationCount.Should().Be(2);
            authorizationServer.Clients.Should().Contain(c => c.ClientId == tokens.ClientId);
            BasicClientId(authorizationServer.TokenRequests[^1]).Should().Be(tokens.ClientId);
        }
    }

    [Fact]
    public async Task SignInAsync_ServerRegistersOnlyExpiredSecrets_RegistrationFailedAndNoSecretSent()
    {
        // REG-06: a registration response whose secret is already past client_secret_expires_at is tried once more, then refused
        var time = new FakeTimeProvider();
        var (authorizationServer, mcpServer) = await StartConfidentialAsync(time, TimeSpan.FromMinutes(-1));
        using var client = McpClientHarness.Create(timeProvider: time);

        Func<Task> act = () => client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.RegistrationFailed);
        using (new AssertionScope())
        {
            authorizationServer.RegistrationCount.Should().Be(2);
            authorizationServer.TokenRequests.Should().BeEmpty();
            client.Browser.LaunchCount.Should().Be(0);
        }
    }

    /// <summary>Servers on <paramref name="time"/> whose dynamic clients are confidential, with secrets that live
    /// <paramref name="secretLifetime"/> from their registration (null: forever, sent as 0).</summary>
    private Task<ServerPair> StartConfidentialAsync(FakeTimeProvider time, TimeSpan? secretLifetime) =>
        StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
            o.TokenEndpointAuthMethodsSupported = ["client_secret_basic"];
            o.MutateRegistrationResponse = response => response["client_secret_expires_at"] =
                secretLifetime is { } lifetime ? (time.GetUtcNow() + lifetime).ToUnixTimeSeconds() : 0;
        });

    /// <summary>The client id of a <c>client_secret_basic</c> request (RFC 6749 §2.3.1).</summary>
    private static string? BasicClientId(RecordedRequest request) =>
        request.Authorization is { } header && header.StartsWith("Basic ", StringComparison.Ordinal)
            ? Uri.UnescapeDataString(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':')[0])
            : null;
}
