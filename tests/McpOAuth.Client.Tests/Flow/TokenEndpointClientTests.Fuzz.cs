using System.Net;
using System.Net.Http.Headers;
using static McpOAuth.Client.Tests.Builders.BackchannelRig;
using static McpOAuth.Client.Tests.Builders.Clients;
using static McpOAuth.Client.Tests.Builders.TokenResponses;

namespace McpOAuth.Client.Tests.Flow;

/// <summary>Regressions for what the fuzzer (tests/McpOAuth.Client.Fuzz, issue 10) found in token endpoint responses.</summary>
public sealed partial class TokenEndpointClientTests
{
    private const string EchoedSecret = "client-secret-echoed";

    [Fact]
    public async Task ExchangeCodeAsync_ExpiresInStringNotValidUtf8_InvalidResponseNotInvalidOperationException()
    {
        // TOK-03, T17: JsonElement.GetString threw InvalidOperationException ("Cannot transcode invalid UTF-8") out of the client.
        byte[] body = [.. "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":\"3600"u8, 0xDC, .. "\"}"u8];
        _rig.Network.OnPost(TokenUrl, FakeResponse.From(() => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }));

        (await ExchangeFailsAsync()).Code.Should().Be(McpOAuthErrorCode.InvalidResponse);
    }

    [Theory]
    [InlineData("client_secret_post")]
    [InlineData("client_secret_basic")]
    public async Task ExchangeCodeAsync_ServerEchoesSecretsInErrorAndErrorUri_RedactedInEveryMember(string method)
    {
        // LOG-02: Error and ErrorUri kept the raw echo (the provider logs Error when a refresh fails).
        _rig.RespondWith($"{{\"error\":\"verifier-456\",\"error_description\":\"x\",\"error_uri\":\"https://as.example/e?s={EchoedSecret}&c=code-123\"}}", HttpStatusCode.BadRequest);

        McpOAuthException ex = await ExchangeFailsAsync(Preregistered(method, secret: EchoedSecret));
        using (new AssertionScope())
        {
            ex.Error.Should().Be("[redacted]");
            ex.ErrorUri.Should().Be("https://as.example/e?s=[redacted]&c=[redacted]");
            ex.Message.Should().NotContain("verifier-456").And.NotContain(EchoedSecret);
        }
    }

    [Fact]
    public async Task RequestDeviceAuthorizationAsync_ServerEchoesClientSecret_RedactedInMessageAndMembers()
    {
        // LOG-02: the device authorization error was not redacted at all.
        _rig.Network.OnPost("https://auth.example.com/device", FakeResponse.Json(
            $"{{\"error\":\"invalid_client {EchoedSecret}\",\"error_description\":\"bad secret {EchoedSecret}\"}}", HttpStatusCode.Unauthorized));

        Func<Task> act = () => _rig.Tokens.RequestDeviceAuthorizationAsync(
            new Uri("https://auth.example.com/device"), new McpOAuth.Client.Internal.ClientAuthentication(Preregistered("client_secret_post", secret: EchoedSecret)), [], null, [], CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        McpOAuthException ex = (await act.Should().ThrowAsync<McpOAuthException>()).Which;
        using (new AssertionScope())
        {
            ex.Message.Should().NotContain(EchoedSecret);
            ex.Error.Should().Be("invalid_client [redacted]");
            ex.ErrorDescription.Should().Be("bad secret [redacted]");
        }
    }

    [Fact]
    public async Task RevokeAsync_ServerEchoesTheRevokedToken_RedactedInTheOutcome()
    {
        // LOG-02: the revocation outcome (printed by sign-out) carried the server's error verbatim.
        _rig.Network.OnPost("https://auth.example.com/revoke", FakeResponse.Json("{\"error\":\"bad token refresh-token-1\"}", HttpStatusCode.BadRequest));

        string? outcome = await _rig.Tokens.RevokeAsync(
            new Uri("https://auth.example.com/revoke"), new McpOAuth.Client.Internal.ClientAuthentication(Preregistered("none")), "refresh-token-1", "refresh_token", CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);

        outcome.Should().Be("HTTP 400 bad token [redacted]");
    }

    [Fact]
    public async Task ExchangeCodeAsync_ServerEchoesTheCodeAsTokenType_MessageRedacted()
    {
        // LOG-02: the unsupported token_type was quoted in the message as it came.
        _rig.RespondWith(TokenJson(tokenType: "echo code-123"));

        (await ExchangeFailsAsync()).Message.Should().NotContain("code-123").And.Contain("echo [redacted]");
    }

    [Fact]
    public async Task RefreshAsync_EchoThatEscapingWouldCompleteIntoTheSecret_MessageRedacted()
    {
        // LOG-02: DEL + "efresh-token-1" escapes to "\u007fefresh-token-1"; the escape's last hex digit and the echo together
        // spelled a secret that ends "f" + "efresh-token-1" ("ffefresh-token-1" here), after redaction had already run.
        const string refreshToken = "fefresh-token-1";
        _rig.RespondWith("{\"error\":\"invalid_grant\",\"error_description\":\"\\u007fefresh-token-1\"}", HttpStatusCode.BadRequest);

        Func<Task> act = () => RefreshAsync(refreshToken);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Message.Should().NotContain(refreshToken);
    }
}
