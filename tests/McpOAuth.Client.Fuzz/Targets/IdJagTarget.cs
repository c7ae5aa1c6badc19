namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// RFC 8693 token exchange responses that should carry an ID-JAG (SEP-990) through
/// <c>TokenEndpointClient.ExchangeForIdJagAsync</c>: what it returns is a b64token (it becomes an assertion in a form), and an
/// error never carries the ID token or client secret that was sent.
/// </summary>
internal sealed class IdJagTarget : BackchannelTarget
{
    public override string Name => "id-jag-response";

    public override string Description => "TokenEndpointClient.ExchangeForIdJagAsync: RFC 8693 response carrying an ID-JAG";

    public override IReadOnlyList<string> Dictionary =>
        [.. TokenStrings.TokenKeys.Select(k => $"\"{k}\":"), "\"urn:ietf:params:oauth:token-type:id-jag\"", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2ln"];

    public override Gen<byte[]>? Structured => JsonGen.Object(TokenStrings.TokenKeys, TokenStrings.Values);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        ClientRegistration client = Wire.Client(envelope.Header("X-Fuzz-Auth"));
        sent.Add(Wire.IdToken);
        if (client.ClientSecret is { } secret)
        {
            sent.Add(secret);
        }

        var tokens = new Internal.TokenEndpointClient(server.Backchannel, server.Time, ScriptedServer.Logger);
        string idJag = Properties.Wait(tokens.ExchangeForIdJagAsync(
            new Uri("https://idp.example.com/token"), new Internal.ClientAuthentication(client), Wire.IdToken, Wire.Issuer, Wire.Resource, CancellationToken.None));

        Properties.That(Properties.IsB64Token(idJag), $"ID-JAG '{Printer.Escape(idJag)}' is not a b64token");
    }
}
