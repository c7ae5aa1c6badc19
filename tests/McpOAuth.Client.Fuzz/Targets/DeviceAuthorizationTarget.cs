namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// RFC 8628 device authorization responses through <c>TokenEndpointClient.RequestDeviceAuthorizationAsync</c>. A response it
/// returns has a device code, a short user code without control characters (it is shown in a terminal) and a verification URI;
/// its lifetimes are numbers (+Infinity included: the provider caps them).
/// </summary>
internal sealed class DeviceAuthorizationTarget : BackchannelTarget
{
    private static readonly string[] Keys =
        ["device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in", "interval", "error", "error_description"];

    public override string Name => "device-authorization-response";

    public override string Description => "TokenEndpointClient.RequestDeviceAuthorizationAsync: RFC 8628 §3.2 response and errors";

    public override IReadOnlyList<string> Dictionary => [.. Keys.Select(k => $"\"{k}\":"), "HTTP 400\n\n", "X-Fuzz-Auth: client_secret_post\n"];

    public override Gen<byte[]>? Structured => JsonGen.Object(Keys, TokenStrings.Values);

    protected override void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent)
    {
        ClientRegistration client = Wire.Client(envelope.Header("X-Fuzz-Auth"));
        if (client.ClientSecret is { } secret)
        {
            sent.Add(secret);
        }

        var tokens = new TokenEndpointClient(server.Backchannel, server.Time, ScriptedServer.Logger);
        DeviceAuthorizationResponse device = Properties.Wait(tokens.RequestDeviceAuthorizationAsync(
            new Uri("https://auth.example.com/device"), new ClientAuthentication(client), ["files:read"], Wire.Resource, [], CancellationToken.None));

        Properties.That(!string.IsNullOrEmpty(device.DeviceCode), "no device code");
        Properties.That(device.UserCode is { Length: > 0 and <= 64 } code && !code.Any(char.IsControl), "unusable user code accepted");
        Properties.That(device.VerificationUri is not null, "no verification URI");
        // 1e400 reads as +Infinity (the million-input run found "181e40000"); the provider caps both with Math.Min, so only NaN,
        // which no JSON number yields, would be unusable.
        Properties.That(device.ExpiresIn is null || !double.IsNaN(device.ExpiresIn.Value), "NaN expires_in");
        Properties.That(device.Interval is null || !double.IsNaN(device.Interval.Value), "NaN interval");
    }
}
