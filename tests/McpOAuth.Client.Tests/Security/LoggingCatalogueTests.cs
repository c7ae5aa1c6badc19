using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Catalogue sections 2.9 and 2.12 (T14, T21): text an authorization or resource server controls never forges a log
/// line or a terminal escape, and the public token types never print or serialize a secret.</summary>
public sealed class LoggingCatalogueTests : ServerPairTest
{
    private const string Forged = "\r\n\u001b[31mINFO forged line\u001b[0m\u0007";

    /// <summary>What an application gets with System.Text.Json's defaults (reflection), which this test project switches off.</summary>
    private static readonly JsonSerializerOptions Reflection = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public async Task SendAsync_MetadataIssuerWithLineBreaksAndEscapes_EscapedInTheErrorAndTheLogs()
    {
        // LOG-03 (issuer)
        using var logs = new CapturingLoggerProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(o => o.IssuerOverride = "https://evil.example/" + Forged);
        using ILoggerFactory factory = logs.CreateFactory();
        using var client = McpClientHarness.Create(loggerFactory: factory);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthException failed = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        AssertNoRawControl(failed, logs);
        failed.Message.Should().Contain("\\u001b", "the server's text is shown escaped, not dropped");
    }

    [Fact]
    public async Task SendAsync_AuthorizationErrorDescriptionWithLineBreaksAndEscapes_EscapedInTheErrorAndTheLogs()
    {
        // LOG-03 (error_description of the authorization response), T21
        using var logs = new CapturingLoggerProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.AuthorizeError = "access_denied";
            o.AuthorizeErrorDescription = "denied" + Forged;
        });
        using ILoggerFactory factory = logs.CreateFactory();
        using var client = McpClientHarness.Create(loggerFactory: factory);

        Func<Task> act = () => client.CallAsync(mcpServer.McpUri, "initialize");

        McpOAuthAuthorizationException denied = (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which;
        AssertNoRawControl(denied, logs);
        denied.ErrorDescription.Should().Be("denied" + Forged, "the property keeps the data; only text meant for people is escaped");
    }

    [Fact]
    public async Task GetAccessTokenAsync_RefreshErrorWithEscapesInErrorDescriptionAndUri_EscapedInTheErrorAndTheLogs()
    {
        // LOG-03 (error, error_description, error_uri of a token error)
        var time = new FakeTimeProvider();
        using var logs = new CapturingLoggerProvider();
        var hostile = new LaterAnswer(context => TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status400BadRequest, new JsonObject
        {
            ["error"] = "server_error" + Forged,
            ["error_description"] = "try again" + Forged,
            ["error_uri"] = "https://evil.example/" + Forged,
        }));
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.AccessTokenLifetime = TimeSpan.FromMinutes(2);
            o.OnTokenRequest = hostile.HandleAsync;
        });
        using ILoggerFactory factory = logs.CreateFactory();
        using var client = McpClientHarness.Create(timeProvider: time, loggerFactory: factory);
        await client.Provider.SignInAsync(mcpServer.McpUri).WaitAsync(McpClientHarness.HangGuard);
        hostile.SwitchOn();
        time.Advance(TimeSpan.FromMinutes(3));

        Func<Task> act = () => client.Provider.GetAccessTokenAsync(mcpServer.McpUri).AsTask();

        McpOAuthException failed = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        AssertNoRawControl(failed, logs);
    }

    [Theory]
    [InlineData("Bearer error=\"insufficient_scope\", scope=\"mcp:read \u001b[2J\", error_description=\"step" + Forged + "\"", true)]
    [InlineData("Bearer error=\"insufficient_scope" + Forged + "\", error_description=\"step" + Forged + "\", scope=\"mcp:write\"", false)]
    public async Task SendAsync_ChallengeWithEscapesInErrorScopeOrDescription_NeverRawInLogsOrErrors(string challenge, bool stepUpStops)
    {
        // WWWA-09: a 403 whose WWW-Authenticate carries CR/LF and ANSI escapes (put back by a tampering hop, since Kestrel
        // refuses to send them). A usable challenge that adds no scope stops with a typed error; one whose error is mangled is
        // not answered at all. Either way nothing the server wrote reaches a log line or an exception message raw.
        using var logs = new CapturingLoggerProvider();
        var (authorizationServer, mcpServer) = await StartServersAsync(mcp: o =>
        {
            o.RequiredScopes["*"] = ["mcp:read"];
            o.RequiredScopes["tools/call"] = ["mcp:write"];
        });
        using ILoggerFactory factory = logs.CreateFactory();
        using var client = McpClientHarness.Create(loggerFactory: factory);
        using var hostileHop = new ChallengeRewriter(challenge) { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(new McpOAuthHandler(client.Provider) { InnerHandler = hostileHop });
        using (HttpRequestMessage initialize = McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("initialize")))
        using (HttpResponseMessage signIn = await http.SendAsync(initialize))
        {
            signIn.Should().HaveStatusCode(HttpStatusCode.OK);
        }

        using HttpRequestMessage call = McpClientHarness.CreateRequest(mcpServer.McpUri, McpClientHarness.JsonRpc("tools/call", 2));
        Func<Task<HttpResponseMessage>> act = () => http.SendAsync(call);

        if (stepUpStops)
        {
            McpOAuthException stopped = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
            stopped.Code.Should().Be(McpOAuthErrorCode.InsufficientScope);
            AssertNoRawControl(stopped, logs);
        }
        else
        {
            using HttpResponseMessage returned = (await act.Should().NotThrowAsync()).Subject;
            returned.Should().HaveStatusCode(HttpStatusCode.Forbidden);
            AssertNoRawControl(null, logs);
        }

        hostileHop.Rewritten.Should().BeGreaterThan(0, "the hostile challenge was delivered");
    }

    [Fact]
    public void Serialize_TokenSetWithEverySecret_JsonCarriesNoneOfThem()
    {
        // LOG-04 (JSON): an application that logs or caches a TokenSet with System.Text.Json does not write its secrets
        TokenSet tokens = TokenSets.Bearer("AT-SECRET-4") with
        {
            RefreshToken = "RT-SECRET-4",
            DpopKey = "DPOP-KEY-SECRET-4",
            ClientId = "client-4",
            Registration = Clients.Preregistered("client_secret_basic", "client-4", "CS-SECRET-4"),
        };

        string json = JsonSerializer.Serialize(tokens, Reflection);

        using (new AssertionScope())
        {
            foreach (string secret in new[] { "AT-SECRET-4", "RT-SECRET-4", "DPOP-KEY-SECRET-4", "CS-SECRET-4" })
            {
                json.Contains(secret, StringComparison.Ordinal).Should().BeFalse("the JSON must not carry {0}", secret[..^2]);
            }

            json.Should().Contain("client-4").And.Contain("https://mcp.example.com/mcp").And.Contain("\"has_refresh_token\":true");
        }

        FluentActions.Invoking(() => JsonSerializer.Deserialize<TokenSet>(json, Reflection)).Should().Throw<NotSupportedException>("it cannot come back without its tokens");
    }

    [Fact]
    public void Serialize_ClientRegistrationWithSecret_JsonCarriesNoSecretButStoresKeepIt()
    {
        // LOG-04 (JSON of a ClientRegistration on its own): an application that logs or caches the registration does not write the
        // client secret; the durable stores' record (TokenSetSerializer) still keeps a dynamically registered client's secret.
        ClientRegistration registration = Clients.DynamicWithSecret("client-5", "CS-SECRET-5");
        TokenSet tokens = TokenSets.Bearer("fake-access-token-5") with
        {
            ObtainedAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Issuer = registration.Issuer,
            ClientId = registration.ClientId,
            Registration = registration,
        };

        string json = JsonSerializer.Serialize(registration, Reflection);
        TokenSetSerializer.TryDeserialize(TokenSetSerializer.Serialize(tokens), out TokenSet? stored).Should().BeTrue();

        using (new AssertionScope())
        {
            json.Should().NotContain("CS-SECRET-5").And.Contain("client-5");
            JsonSerializer.Deserialize<ClientRegistration>(json, Reflection)!.ClientSecret.Should().BeNull();
            stored!.Registration!.ClientSecret.Should().Be("CS-SECRET-5", "the store's own record keeps a dynamic client's secret");
        }
    }

    [Fact]
    public void DebuggerDisplay_TokenAndRegistrationTypes_FallBackToTheRedactingToString()
    {
        // LOG-04 (debugger display): no [DebuggerDisplay] on the types that hold secrets, so the debugger shows ToString()
        Type[] holders = [typeof(TokenSet), typeof(ClientRegistration), typeof(McpOAuthCredential), typeof(PkcePair), typeof(CallbackResult)];

        holders.Should().OnlyContain(t => t.GetCustomAttributes(typeof(DebuggerDisplayAttribute), false).Length == 0);
        holders.Should().OnlyContain(t => t.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType == t, "each redacts in its own ToString");
    }

    private static void AssertNoRawControl(McpOAuthException? failure, CapturingLoggerProvider logs)
    {
        using (new AssertionScope())
        {
            for (Exception? e = failure; e is not null; e = e.InnerException)
            {
                e.Message.Should().NotContainAny(["\r", "\n", "\u001b", "\u0007"], "an exception message is one line of escaped text");
            }

            foreach (LogEntry entry in logs.Entries)
            {
                string text = string.Join(" | ", [entry.Message, .. entry.Values]);
                text.Should().NotContainAny(["\r", "\n", "\u001b", "\u0007"], "log line {0} must not be forgeable", entry.EventId);
            }
        }
    }

    /// <summary>A hop between the handler and the server that replaces every 403's challenge with raw text.</summary>
    private sealed class ChallengeRewriter(string challenge) : DelegatingHandler
    {
        private int _rewritten;

        public int Rewritten => _rewritten;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                response.Headers.Remove("WWW-Authenticate");
                response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
                Interlocked.Increment(ref _rewritten);
            }

            return response;
        }
    }
}
