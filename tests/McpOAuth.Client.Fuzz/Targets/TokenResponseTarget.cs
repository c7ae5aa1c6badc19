namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// Token endpoint responses (RFC 6749 §5.1/§5.2) through <c>TokenEndpointClient</c>: the code exchange, a refresh or a device
/// poll (<c>X-Fuzz-Grant</c>), with each client authentication (<c>X-Fuzz-Auth</c>) and optionally DPoP (<c>X-Fuzz-Dpop</c>,
/// with the server's <c>DPoP-Nonce</c> header). Tokens it returns can reach an Authorization header safely (visible ASCII, issue 12), have a
/// known type, and expire within the cap (TOK-01..TOK-05); errors never carry a secret the client sent (LOG-02).
/// </summary>
internal sealed class TokenResponseTarget : BackchannelTarget
{
    private readonly PerThread<DpopSession> _dpop = new(() => DpopSession.Create(TimeProvider.System));

    public override string Name => "token-response";

    public override string Description => "TokenEndpointClient.ExchangeCodeAsync / RefreshAsync / PollDeviceCodeAsync: token and error responses";

    public override IReadOnlyList<string> Dictionary =>
        [.. TokenStrings.TokenKeys.Select(k => $"\"{k}\":"), "HTTP 400\n\n", "X-Fuzz-Grant: refresh\n", "X-Fuzz-Auth: client_secret_basic\n", "X-Fuzz-Dpop: 1\nDPoP-Nonce: n\n"];

    public override Gen<byte[]>? Structured => Gen.Select(
        Gen.OneOf("", "HTTP 400\n\n", "HTTP 200\nX-Fuzz-Grant: refresh\nX-Fuzz-Auth: client_secret_post\n\n", "HTTP 200\nX-Fuzz-Dpop: 1\nDPoP-Nonce: fake-nonce\n\n", "HTTP 401\nX-Fuzz-Auth: client_secret_basic\n\n"),
        JsonGen.Object(TokenStrings.TokenKeys, TokenStrings.Values),
        (head, body) => (byte[])[.. System.Text.Encoding.ASCII.GetBytes(head), .. body]);

    public override void Dispose()
    {
        _dpop.Dispose();
        base.Dispose();
    }

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        DpopSession? dpop = envelope.Flag("X-Fuzz-Dpop") ? _dpop.Value : null;
        ClientRegistration client = Wire.Client(envelope.Header("X-Fuzz-Auth"));
        var context = new TokenRequestContext(Wire.TokenEndpoint, new ClientAuthentication(client), Wire.Resource, Wire.Resource, ["files:read"], Dpop: dpop);
        string grant = envelope.Header("X-Fuzz-Grant") ?? "code";
        sent.AddRange(grant switch
        {
            "refresh" => [Wire.RefreshToken],
            "device" => [Wire.DeviceCode],
            _ => [Wire.Code, Wire.Verifier],
        });
        if (client.ClientSecret is { } secret)
        {
            sent.Add(secret);
        }

        var tokens = new TokenEndpointClient(server.Backchannel, server.Time, ScriptedServer.Logger);
        DateTimeOffset now = server.Time.GetUtcNow();

        TokenSet result = Properties.Wait(grant switch
        {
            "refresh" => tokens.RefreshAsync(context, Wire.RefreshToken, null, CancellationToken.None),
            "device" => tokens.PollDeviceCodeAsync(context, Wire.DeviceCode, CancellationToken.None),
            _ => tokens.ExchangeCodeAsync(context, Wire.Code, Wire.Verifier, Wire.RedirectUri, CancellationToken.None),
        });

        Properties.That(Properties.IsVisibleAscii(result.AccessToken), $"access token '{Printer.Escape(result.AccessToken)}' is not visible ASCII (TOK-02)");
        Properties.That(result.RefreshToken is null || Properties.IsVisibleAscii(result.RefreshToken), "refresh token is not visible ASCII");
        Properties.That(result.TokenType == "Bearer" || (dpop is not null && result.TokenType == "DPoP"), $"token type '{Printer.Escape(result.TokenType)}' accepted");
        Properties.That(result.ExpiresAt is null || (result.ExpiresAt >= now && result.ExpiresAt <= now.AddSeconds(int.MaxValue)), "expiry outside [now, now + 2^31 s] (TOK-03)");
        Properties.That(result.Scopes.All(s => s.Length > 0 && !s.Contains(' ', StringComparison.Ordinal)), "an empty or spaced scope");
        _ = result.IsUsableAt(now, TimeSpan.FromSeconds(60));
    }
}
