namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// OAuth error responses (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7591 §3.2.2, RFC 8628 §3.5) as every caller reads them: a
/// refresh with a confidential client, a revocation and a device authorization, all answered with the input. Errors are typed,
/// escaped, and never carry the refresh token or client secret that was sent, even when the server echoes them (LOG-02).
/// </summary>
internal sealed class OAuthErrorTarget : BackchannelTarget
{
    private static readonly string[] Keys = ["error", "error_description", "error_uri", "error_codes", "trace_id"];

    public override string Name => "oauth-error-response";

    public override string Description => "TokenEndpointClient.RefreshAsync / RevokeAsync / RequestDeviceAuthorizationAsync: error bodies echoing secrets";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":"), Wire.RefreshToken, Wire.ClientSecret, "HTTP 400\n\n", "HTTP 200\n\n"];

    public override Gen<byte[]>? Structured => Gen.Select(
        Gen.OneOf("HTTP 400\n\n", "HTTP 401\n\n", "HTTP 400\nX-Fuzz-Auth: client_secret_basic\n\n", "HTTP 200\n\n", "HTTP 503\nContent-Type: text/html\n\n"),
        JsonGen.Object(Keys, TokenStrings.Values),
        (head, body) => (byte[])[.. System.Text.Encoding.ASCII.GetBytes(head), .. body]);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        ClientRegistration client = Wire.Client(envelope.Header("X-Fuzz-Auth") ?? "client_secret_post");
        string[] secrets = client.ClientSecret is { } s ? [s] : [];
        sent.Add(Wire.RefreshToken);
        sent.AddRange(secrets);
        var tokens = new TokenEndpointClient(server.Backchannel, server.Time, ScriptedServer.Logger);

        string? revoked = Properties.Wait(tokens.RevokeAsync(new Uri("https://auth.example.com/revoke"), new ClientAuthentication(client), Wire.RefreshToken, "refresh_token", CancellationToken.None));
        Properties.NoControlCharacters(revoked, "the revocation outcome");
        foreach (string secret in sent)
        {
            Properties.NoSecret(revoked, secret, "the revocation outcome");
        }

        // The device authorization request carries the client secret but no refresh token.
        Properties.Typed(
            () => Properties.Wait(tokens.RequestDeviceAuthorizationAsync(new Uri("https://auth.example.com/device"), new ClientAuthentication(client), [], null, [], CancellationToken.None)),
            secrets);
        var context = new TokenRequestContext(Wire.TokenEndpoint, new ClientAuthentication(client), Wire.Resource, Wire.Resource, []);
        _ = Properties.Wait(tokens.RefreshAsync(context, Wire.RefreshToken, null, CancellationToken.None));
    }
}
